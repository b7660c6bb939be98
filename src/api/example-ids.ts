/**
 * The ids the OpenAPI examples use, so that an example campaign names the example template
 * and senders, its messages the example contacts, and so on. Made by `newId` (Crockford
 * base32 time and randomness) at instants in March 2026, so they look like what the API
 * returns.
 */
export const exampleIds = {
  workspace: 'ws_01kjpxnbrj9tmsw9hrnv6mp2gh',
  key: 'key_01kjpy87wgccejtn38xe800d26',
  ciKey: 'key_01kjpyzf9fykrw6ht6d54tkntd',
  contactAna: 'ct_01kjpztj8g2g55bhdxcqvtv8ax',
  contactJoao: 'ct_01kjpzx96gzrqffn26frpzk6ey',
  contactPutri: 'ct_01kjq0m7ggk5v81jp4jepfeqr3',
  template: 'tpl_01kjq0x9m9yyfe4ewshm2ykqfp',
  file: 'file_01kjq1w24731zzxnssaavdpcct',
  simulatorSender: 'snd_01kjq2qn8d1j6j384t6gx54af6',
  baileysSender: 'snd_01kjq33j6a1sk5vtepmezntfvs',
  cloudApiSender: 'snd_01kjq3bpme1rdfa8ygzcdjmbjg',
  campaign: 'cmp_01kjq46dsr2s3gn5wmzse8755b',
  campaignCopy: 'cmp_01kjq50ar6g5ktffs2asp6r7sb',
  /** A campaign's messages are its id and their position: `msg_<campaign>0000000001`. */
  message: 'msg_01kjq46dsr2s3gn5wmzse8755b0000000001',
  testMessage: 'msg_01kjq8derwg618b5npydj65fq2',
  import: 'imp_01kjq5bnxb29s7aasq8epv2m0v',
  suppression: 'sup_01kjq6ftdxfnq8bje267wjc6aq',
  request: 'req_01kjq6rsd9d1b7v34dv9j708nz',
} as const;
