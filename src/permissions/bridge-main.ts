/** The permission bridge's process entry (bundled as dist/permission-bridge.js; see bridge.ts). */
import { bridgeMain } from './bridge.js';

void bridgeMain();
