// Command-line arguments shared by the SDK scripts:
//   BASE_URL [--max-tokens N] [--header NAME:VALUE]... [--no-stream] [--api chat|completions]
//            [--warmup]
// --warmup first sends one untimed request with no delay (x-stampede-profile: instant), so the
// timings measured after it leave out the SDK's first-call costs.
// The scripts print one JSON object on stdout and exit 0, or print the error on stderr and
// exit 1.
export function parseArgs(argv) {
  const args = { baseUrl: null, maxTokens: 16, headers: {}, stream: true, api: 'chat',
                 warmup: false };
  for (let index = 0; index < argv.length; ++index) {
    const arg = argv[index];
    if (arg === '--max-tokens') {
      args.maxTokens = Number.parseInt(argv[++index], 10);
    } else if (arg === '--header') {
      const header = argv[++index];
      const colon = header.indexOf(':');
      args.headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    } else if (arg === '--no-stream') {
      args.stream = false;
    } else if (arg === '--warmup') {
      args.warmup = true;
    } else if (arg === '--api') {
      args.api = argv[++index];
    } else if (args.baseUrl === null) {
      args.baseUrl = arg.replace(/\/+$/, '');
    } else {
      throw new Error(`unexpected argument ${arg}`);
    }
  }
  if (args.baseUrl === null) throw new Error('usage: BASE_URL [--max-tokens N] [--header N:V]...');
  return args;
}

// Runs `main` and reports its result (an object) as JSON, or its error.
export function run(main) {
  main(parseArgs(process.argv.slice(2))).then(
    (summary) => {
      process.stdout.write(JSON.stringify(summary) + '\n');
    },
    (error) => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exitCode = 1;
    },
  );
}

export function millisSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
