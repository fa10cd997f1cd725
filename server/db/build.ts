// `npx tsx server/db/build.ts`: build (or confirm the cached) embedded FerretDB binary.
import { ensureBinary } from './embedded.ts';

const bin = await ensureBinary();
process.stdout.write(`embedded database ready: ${bin}\n`);
