/** The app's one stylesheet: system fonts, no images; tables become cards on narrow screens. */
export const styles = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--accent:#0a58ca;--danger:#b42318;--ok:#1a7f37;color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px 8px}
header{display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px;padding:12px 16px;border-bottom:1px solid var(--line);background:var(--soft)}
header .brand{font-weight:700;color:var(--fg);text-decoration:none}
header nav{display:flex;gap:16px;flex:1}
header nav a[aria-current=page]{font-weight:600;color:var(--fg)}
main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:8px 0 16px}
h2{font-size:1.15rem;margin:24px 0 8px}
.muted{color:var(--muted)}
.notice{border:1px solid var(--ok);background:#dafbe1;padding:8px 12px;border-radius:6px}
.error-summary{border:2px solid var(--danger);padding:8px 12px;border-radius:6px;margin-bottom:16px}
.error-summary h2{margin:0 0 4px;font-size:1rem;color:var(--danger)}
.field{margin-bottom:16px;display:grid;gap:4px}
label{font-weight:600}
.hint{color:var(--muted);font-size:.875rem}
.field-error{color:var(--danger);font-size:.9rem;margin:0}
input,select{font:inherit;padding:8px 10px;border:1px solid #8c959f;border-radius:6px;width:100%;max-width:36rem;background:var(--bg);color:var(--fg)}
input[aria-invalid=true]{border:2px solid var(--danger)}
button,.button{font:inherit;display:inline-block;padding:8px 14px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:var(--bg);color:var(--accent)}
button.danger{background:var(--danger);border-color:var(--danger)}
button.link{background:none;border:none;color:var(--accent);padding:0;text-decoration:underline}
button[aria-busy=true]{opacity:.7;cursor:progress}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:16px 0}
.actions form{margin:0}
.search{display:flex;gap:8px;flex-wrap:wrap;align-items:end;margin-bottom:16px}
.search .field{margin:0;flex:1;min-width:12rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:8px;border-bottom:1px solid var(--line);vertical-align:top}
td.target{word-break:break-all}
.badge{justify-self:start;display:inline-block;padding:0 8px;border-radius:999px;font-size:.85rem;border:1px solid var(--line)}
.badge.off{color:var(--danger);border-color:var(--danger)}
.badge.on{color:var(--ok);border-color:var(--ok)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;word-break:break-all}
.kpi{font-size:2rem;font-weight:700;margin:0}
.breakdowns{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:0 24px}
.breakdowns td{overflow-wrap:anywhere}
.chart{margin:0}
.chart svg{width:100%;height:180px;display:block}
.chart .bar{fill:var(--accent)}
.chart .axis{stroke:#8c959f}
.chart-top,.chart-axis{margin:0;color:var(--muted);font-size:.85rem}
.chart-axis{display:flex;justify-content:space-between}
.ranges{display:flex;gap:12px}
.pager{display:flex;gap:16px;margin-top:16px}
.empty{padding:24px;border:1px dashed var(--line);border-radius:6px;text-align:center}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:640px){
 table.cards thead{position:absolute;left:-999px}
 table.cards tr{display:block;border:1px solid var(--line);border-radius:6px;margin-bottom:12px;padding:4px 8px}
 table.cards td{display:grid;grid-template-columns:6.5rem minmax(0,1fr);border:none;padding:4px 0;overflow-wrap:anywhere}
 table.cards td::before{content:attr(data-label);font-weight:600}
 header nav{order:3;flex-basis:100%}
}
`;
