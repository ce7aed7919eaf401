import type {} from 'vitest'
import type { TestProject } from 'vitest/node'
import { startRedis, type RedisHandle } from './redis-server'

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}

let handle: RedisHandle | null = null

export async function setup(project: TestProject): Promise<void> {
  const fromEnv = process.env.REDIS_URL
  if (fromEnv) {
    project.provide('redisUrl', fromEnv)
    return
  }
  handle = await startRedis()
  project.provide('redisUrl', handle.url)
}

export async function teardown(): Promise<void> {
  await handle?.stop()
}
