/**
 * `npm run bench`: every benchmark, each printing figures as ratios against a baseline measured in the same run.
 * `npm run bench -- ws` runs only the named suites (balancer, proxy, admin, load, insight, ws).
 */
import { runBalancerBench } from './balancer.bench';
import { printProxyBench, runProxyBench } from './proxy.bench';
import { runLoadBench } from './load.bench';
import { printAdminBench, runAdminBench } from './admin.bench';
import { printInsightBench, runInsightBench } from './insight.bench';
import { printWsBench, runWsBench } from './ws.bench';

const SUITES = ['balancer', 'proxy', 'admin', 'load', 'insight', 'ws'];
const only = new Set(process.argv.slice(2));
const unknown = [...only].filter((s) => !SUITES.includes(s));
if (unknown.length > 0)
  throw new Error(`unknown benchmark ${unknown.join(', ')}; the suites are ${SUITES.join(', ')}`);
const wanted = (suite: string) => only.size === 0 || only.has(suite);

if (wanted('balancer')) {
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
}
if (wanted('proxy')) {
  printProxyBench(await runProxyBench());
  console.log('');
}
if (wanted('admin')) {
  printAdminBench(await runAdminBench());
  console.log('');
}
if (wanted('load')) {
  await runLoadBench();
  console.log('');
}
if (wanted('insight')) {
  printInsightBench(await runInsightBench());
  console.log('');
}
if (wanted('ws')) printWsBench(await runWsBench());
