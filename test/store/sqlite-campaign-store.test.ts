import { campaignStoreContract } from '../contract/campaign-store.contract.ts';

campaignStoreContract('sqlite');
