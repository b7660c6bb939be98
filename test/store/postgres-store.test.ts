import { storeContract } from '../contract/store.contract.ts';

storeContract('postgres');
