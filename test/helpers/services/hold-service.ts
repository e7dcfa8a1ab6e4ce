import { startPostgres } from './postgres.ts';
import { startRedis } from './redis.ts';

// Started as its own process by the services tests: starts one service, prints its URL and waits to
// be killed, to show the service does not outlive a test process that dies without stopping it.
const service = process.argv[2] === 'postgres' ? await startPostgres() : await startRedis();
console.log(service.url);
setInterval(() => {}, 1 << 30);
