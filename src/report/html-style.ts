/** The report's only stylesheet, inline: screen and print. No external asset, no script. */
export const STYLE = `
:root { --ink: #1d2330; --muted: #5b6475; --line: #d7dce5; --danger: #b42318; --warn: #b54708; --ok: #067647; --rehearsal: #6941c6; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); max-width: 1100px; margin: 24px auto; padding: 0 20px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border: 1px solid var(--line); padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: #f3f5f9; font-weight: 600; }
table.kv th { width: 190px; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
.mode { font-weight: 700; letter-spacing: .04em; }
.mode.live { color: var(--ok); } .mode.rehearsal { color: var(--rehearsal); }
.status { border: 3px solid var(--line); border-radius: 4px; padding: 10px 14px; margin: 12px 0 16px; font-size: 15px; }
.status ul { margin: 6px 0 0; padding-left: 20px; } .status li { font-size: 14px; }
.status.ok { border-color: var(--ok); background: #ecfdf3; } .status.danger { border-color: var(--danger); background: #fef3f2; }
.status.warning { border-color: var(--warn); background: #fffaeb; } .status.rehearsal { border-color: var(--rehearsal); background: #f4f3ff; }
.banner { border: 2px solid; border-left-width: 8px; padding: 8px 12px; margin: 10px 0; }
.banner.danger { border-color: var(--danger); background: #fef3f2; }
.banner.warning { border-color: var(--warn); background: #fffaeb; }
.banner.rehearsal { border-color: var(--rehearsal); background: #f4f3ff; }
code.id { word-break: normal; white-space: nowrap; }
table.timeline td:nth-child(5), table.timeline td:nth-child(6), table.timeline td:nth-child(7) { white-space: nowrap; }
tr.details td { border-top: none; color: var(--muted); font-size: 12px; padding-top: 0; }
tr.details code { word-break: normal; margin-right: 6px; }
.outcome { font-weight: 700; white-space: nowrap; }
/* A failed step is as plain to see as LIVE: a solid badge, not only red text. */
.outcome-failed, .outcome-no-result { background: var(--danger); color: #fff; padding: 1px 6px; border-radius: 3px; letter-spacing: .04em; }
.outcome-interrupted, .outcome-skipped, .outcome-not-run { background: var(--warn); color: #fff; padding: 1px 6px; border-radius: 3px; }
.check-bad { color: var(--danger); font-weight: 700; }
.outcome-applied, .check-ok { color: var(--ok); }
.finding { margin: 3px 0; } .finding .kind { font-weight: 700; }
.muted, footer { color: var(--muted); }
footer { margin-top: 28px; font-size: 12px; }
svg.chart { max-width: 100%; height: auto; border: 1px solid var(--line); margin: 6px 0; }
svg .label, svg .to, svg .axis { font: 11px ui-monospace, Menlo, Consolas, monospace; fill: var(--ink); }
svg .axis { fill: var(--muted); } svg .tick { stroke: var(--line); }
svg .bar { fill: #98a2b3; } svg .bar.applied { fill: var(--ok); } svg .bar.failed, svg .bar.no-result { fill: var(--danger); }
svg .bar.skipped { fill: var(--warn); } svg .bar.nothing-to-do { fill: #84caff; } svg .bar.not-applicable { fill: #c4c4c4; }
.legend { font-size: 12px; color: var(--muted); margin: 0 0 8px; }
.legend .key { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; background: #98a2b3; }
.key.applied { background: var(--ok); } .key.failed { background: var(--danger); } .key.skipped { background: var(--warn); } .key.nothing-to-do { background: #84caff; } .key.not-applicable { background: #c4c4c4; }
body.rehearsal::before { content: "REHEARSAL"; position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 120px; font-weight: 800; color: rgba(105, 65, 198, .07); transform: rotate(-20deg); pointer-events: none; z-index: -1; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; } tr, .banner, svg.chart { break-inside: avoid; }
  thead { display: table-header-group; }
  @page { margin: 14mm; }
}
`;
