/**
 * `npm run bench`: every benchmark, each printing figures as ratios against a baseline measured in the same run.
 */
import { runBalancerBench } from './balancer.bench';
import { printProxyBench, runProxyBench } from './proxy.bench';
import { runLoadBench } from './load.bench';
import { printAdminBench, runAdminBench } from './admin.bench';
import { printInsightBench, runInsightBench } from './insight.bench';

console.log(
  'Balancer selection (µs per selection, median of batches; per-account ratio vs 10 accounts, 1.00 = linear)',
);
for (const row of runBalancerBench()) {
  const name = `${row.strategy}${row.sticky ? ' + sticky' : ''}`;
  console.log(
    `  ${name.padEnd(27)} ${String(row.accounts).padStart(6)} accounts  ${row.microsPerSelection.toFixed(1).padStart(8)} µs  ratio ${row.perAccountRatio.toFixed(2)}`,
  );
}
console.log('');
printProxyBench(await runProxyBench());
console.log('');
printAdminBench(await runAdminBench());
console.log('');
await runLoadBench();
console.log('');
printInsightBench(await runInsightBench());
