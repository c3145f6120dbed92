import { randomUUID } from 'node:crypto';
import { personalDataKeyStoreContract } from '../../testing/key-store.contract';
import { MongoKeyStore } from './mongo-key-store';

/**
 * Runs the key-store contract against a live MongoDB, e.g. from `docker compose up`:
 *   MONGO_URL='mongodb://localhost:27017/okr?replicaSet=rs0&directConnection=true'
 * The suite works in the database `okr_contract`, in a fresh collection that it drops at the end.
 *
 * There is no MongoDB server on the development machines (none can be installed, and
 * mongodb-memory-server cannot download one), and a faked server would prove nothing, so without
 * MONGO_URL the suite is skipped and says so.
 */
const url = process.env['MONGO_URL'];
const dbName = 'okr_contract';

if (url) {
  personalDataKeyStoreContract('MongoDB', async () => {
    const collection = `personal_data_keys_${randomUUID().replaceAll('-', '')}`;
    const keys = await MongoKeyStore.connect({ url, dbName, collection });
    return {
      keys,
      // A second connection pool is what a second replica has.
      another: () => MongoKeyStore.connect({ url, dbName, collection }),
      cleanup: async () => {
        const dropper = await MongoKeyStore.connect({ url, dbName, collection });
        await dropper.dropForTests();
        await dropper.close();
      },
    };
  });
} else {
  console.warn('personal-data key-store contract on MongoDB skipped: MONGO_URL is not set');
  // Skipped, not faked: the contract only means something against a real MongoDB.
  describe.skip('PersonalDataKeyStore contract: MongoDB (skipped: MONGO_URL is not set)', () => {
    it('runs the key-store contract against a live MongoDB', () => undefined);
  });
}
