// The mutation scores of `./build.sh test mutation`, per group and per package, from Stryker's JSON
// report: the wrapper libraries must reach 80 %, the services' domain code 70 %. Also lists the
// mutants disabled in the code as equivalent, with their reasons, and counts the static mutants
// the run left out (stryker.config.mjs says why). Exits 1 below a target.
//
//   node scripts/mutation-scores.js reports/mutation/mutation.json
const fs = require('node:fs');

const TARGETS = { libs: 80, domain: 70 };
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const report = JSON.parse(fs.readFileSync(process.argv[2] ?? 'reports/mutation/mutation.json', 'utf8'));
const tally = () => ({ detected: 0, undetected: 0, ignored: 0, static: 0 });
const groups = { libs: tally(), domain: tally() };
const packages = new Map();
const ignored = [];

for (const [file, { mutants }] of Object.entries(report.files)) {
  const [top, name] = file.split('/');
  const group = top === 'libs' ? 'libs' : 'domain';
  const pkg = `${top}/${name}`;
  if (!packages.has(pkg)) packages.set(pkg, { group, ...tally() });
  for (const mutant of mutants) {
    const ignoredAs = mutant.static ? 'static' : 'ignored';
    const key = DETECTED.has(mutant.status) ? 'detected' : UNDETECTED.has(mutant.status) ? 'undetected' : mutant.status === 'Ignored' ? ignoredAs : undefined;
    if (!key) continue; // CompileError, RuntimeError: not a valid mutant
    groups[group][key] += 1;
    packages.get(pkg)[key] += 1;
    if (key === 'ignored') ignored.push(`  ${file}:${mutant.location.start.line} ${mutant.mutatorName}: ${mutant.statusReason ?? ''}`);
  }
}

const score = ({ detected, undetected }) => (detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected));
const line = (label, t) =>
  `  ${label.padEnd(24)} ${score(t).toFixed(1).padStart(5)} %  (${t.detected} killed of ${t.detected + t.undetected}` +
  `${t.ignored ? `; ${t.ignored} equivalent` : ''}${t.static ? `; ${t.static} static, not run` : ''})`;

let failed = false;
for (const group of ['libs', 'domain']) {
  const t = groups[group];
  const ok = score(t) >= TARGETS[group];
  failed ||= !ok;
  console.log(`mutation score, ${group === 'libs' ? 'libs' : 'domain code'}: ${score(t).toFixed(1)} % (target ${TARGETS[group]} %)${ok ? '' : ' BELOW TARGET'}`);
  for (const [pkg, p] of [...packages].filter(([, p]) => p.group === group).sort()) console.log(line(pkg, p));
}
if (ignored.length > 0) console.log(`equivalent mutants, disabled in the code (${ignored.length}):\n${ignored.join('\n')}`);
process.exit(failed ? 1 : 0);
