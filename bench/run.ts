/**
 * `npm run bench`: every benchmark, each printing figures as ratios against a baseline measured in the same run.
 */
import { runBalancerBench } from './balancer.bench';
import { printProxyBench, runProxyBench } from './proxy.bench';

console.log('Balancer selection (µs per selection; per-account ratio vs 10 accounts, 1.00 = linear)');
for (const row of runBalancerBench()) {
  console.log(
    `  ${row.strategy.padEnd(18)} ${String(row.accounts).padStart(6)} accounts  ${row.microsPerSelection.toFixed(1).padStart(8)} µs  ratio ${row.perAccountRatio.toFixed(2)}`,
  );
}
console.log('');
printProxyBench(await runProxyBench());
