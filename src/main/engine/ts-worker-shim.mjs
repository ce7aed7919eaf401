// Dev and test only: Node 20 cannot start a worker from a .ts file, and loader
// hooks are not inherited by workers, so this JS entry loads the TypeScript
// module through tsx. Built apps start the bundled .js entries directly.
import { workerData } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

await tsImport(workerData.__entry, import.meta.url)
