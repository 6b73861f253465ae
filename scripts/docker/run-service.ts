/**
 * Container entry: node --import tsx scripts/docker/run-service.ts <command> [args...]
 *
 * Runs <command> with the environment compose gives it, minus empty variables (compose cannot
 * leave out a variable whose .env value is empty, and the services read "set" as "given").
 * With DEPLOYMENT_FILE, the deployment the one-shot `deploy` service wrote is passed on too
 * (service-environment.ts). Forwards SIGINT/SIGTERM for a graceful shutdown and exits with the
 * command's code.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { readDeploymentFile } from '../deploy/deployment-file.js';
import { serviceEnvironment, withoutEmpty } from './service-environment.js';

const [command, ...args] = process.argv.slice(2);
const deploymentFile = process.env.DEPLOYMENT_FILE;
if (!command) {
  console.error('usage: [DEPLOYMENT_FILE=<path>] run-service.ts <command> [args...]');
  process.exit(2);
}

let env: Record<string, string>;
try {
  env = deploymentFile
    ? serviceEnvironment(readDeploymentFile(deploymentFile), process.env)
    : withoutEmpty(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const child = spawn(command, args, { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  console.error(`cannot start ${command}: ${error.message}`);
  process.exit(1);
});
// Like a shell: a child ended by a signal exits 128 + the signal's number.
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
