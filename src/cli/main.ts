/** The `tickstock` command. */
const HELP = `tickstock <command> [options]

  serve       the headless host: engine, REST, WebSocket and the terminal in a browser
  sim         a TickStockPL simulator publishing on Redis
  normalize   normalize wire messages (JSON lines) for diagnosis
  regime      daily market regime and risk score from a directory of SYMBOL.csv bars
  import      import bars FILE|DIR [--data DIR]: CSV bars into the data folder's bar store

Run \`tickstock <command> --help\` for a command's options.`

async function run(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv
  switch (cmd) {
    case 'serve':
      if (rest.includes('--help')) return help((await import('./serve')).SERVE_HELP)
      return (await import('./serve')).main(rest)
    case 'sim':
      return (await import('./sim')).main(rest)
    case 'normalize':
      return (await import('./normalize')).main(rest)
    case 'regime':
      return (await import('./regime')).main(rest)
    case 'import':
      return (await import('./import')).main(rest)
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return help(HELP)
    default:
      console.error(`tickstock: unknown command ${JSON.stringify(cmd)}\n\n${HELP}`)
      return 2
  }
}

function help(text: string): number {
  console.log(text)
  return 0
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    console.error(`tickstock: ${(e as Error).stack ?? String(e)}`)
    // A command that failed halfway (an engine that could not start) may leave threads or
    // sockets open: exit rather than hang with nothing serving.
    process.exit(1)
  },
)
