import { storeContract } from '../contract/store.contract.ts';

storeContract('sqlite');
