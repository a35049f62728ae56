import type { Link, LinkStats, Problem, TenantStats } from "../backend.ts";
import { type FormErrors, type LinkFormValues, noErrors } from "../link-form.ts";
import { RANGES, type RangeName } from "../stats-range.ts";
import { ClicksChart } from "./chart.tsx";
import { ErrorSummary, Field, SelectField } from "./fields.tsx";
import { Layout } from "./layout.tsx";

const dateTime = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export function linkStatus(link: Link, now: number): "Active" | "Disabled" | "Expired" {
  if (!link.enabled) return "Disabled";
  if (link.expiresAt && Date.parse(link.expiresAt) <= now) return "Expired";
  return "Active";
}

function StatusBadge(props: { link: Link; now: number }) {
  const status = linkStatus(props.link, props.now);
  return <span class={`badge ${status === "Active" ? "on" : "off"}`}>{status}</span>;
}

function ShortUrl(props: { link: Link }) {
  const url = props.link.shortUrl ?? props.link.code;
  return (
    <span>
      <a href={url} data-testid="short-url">
        {url}
      </a>{" "}
      <button type="button" class="link" data-copy={url} hidden aria-label={`Copy ${url}`}>
        Copy
      </button>
    </span>
  );
}

function Hidden(props: { csrfToken: string }) {
  return <input type="hidden" name="_csrf" value={props.csrfToken} />;
}

export function SignInPage(props: { errors?: FormErrors; notice?: string }) {
  const errors = props.errors ?? noErrors();
  return (
    <Layout title="Sign in" notice={props.notice}>
      <h1>Sign in</h1>
      <p>
        Sign in with your tenant's API key. It stays on the server for this session; this browser keeps only a cookie.
      </p>
      <ErrorSummary errors={errors} labels={{ apiKey: "API key" }} />
      <form method="post" action="/sign-in" data-busy="Signing in…">
        <Field
          name="apiKey"
          label="API key"
          type="password"
          value=""
          errors={errors}
          hint="It starts with lsk_."
          required
          autocomplete="off"
        />
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}

export interface LinksPageProps {
  csrfToken: string;
  links: Link[];
  nextCursor: string | null;
  firstPage: boolean;
  query: string;
  searched?: { scanned: number; complete: boolean };
  now: number;
  notice?: string | undefined;
}

export function LinksPage(props: LinksPageProps) {
  return (
    <Layout title="Links" section="links" csrfToken={props.csrfToken} notice={props.notice}>
      <h1>Links</h1>
      <form class="search" method="get" action="/links">
        <div class="field">
          <label for="q">Search by code or target</label>
          <input id="q" name="q" type="search" value={props.query} />
        </div>
        <button type="submit" class="secondary">
          Search
        </button>
        {props.query && <a href="/links">Clear</a>}
        <a class="button" href="/links/new">
          New link
        </a>
      </form>
      {props.searched && (
        <p class="muted" role="status">
          {props.links.length} {props.links.length === 1 ? "link matches" : "links match"} “{props.query}”
          {props.searched.complete
            ? " among all your links."
            : ` among your newest ${props.searched.scanned} links; narrow the search to find older ones.`}
        </p>
      )}
      {props.links.length === 0 ? (
        <div class="empty">
          {props.query ? (
            <p>No link matches this search.</p>
          ) : (
            <p>
              You have no links yet. <a href="/links/new">Create your first link</a>.
            </p>
          )}
        </div>
      ) : (
        <table class="cards">
          <caption class="visually-hidden">Your links, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Short URL</th>
              <th scope="col">Target</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {props.links.map((link) => (
              <tr data-code={link.code}>
                <td data-label="Code">
                  <a href={`/links/${link.id}`}>{link.code}</a>
                </td>
                <td data-label="Short URL">
                  <ShortUrl link={link} />
                </td>
                <td data-label="Target" class="target">
                  {link.targetUrl}
                </td>
                <td data-label="Status">
                  <StatusBadge link={link} now={props.now} />
                </td>
                <td data-label="Created">{dateTime(link.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(props.nextCursor || !props.firstPage) && (
        <nav class="pager" aria-label="Pages">
          {!props.firstPage && <a href="/links">Newest links</a>}
          {props.nextCursor && <a href={`/links?cursor=${encodeURIComponent(props.nextCursor)}`}>Older links</a>}
        </nav>
      )}
    </Layout>
  );
}

const FORM_LABELS = { targetUrl: "Target URL", code: "Code", redirectType: "Redirect type", expiresAt: "Expires" };

export function LinkFormPage(props: { csrfToken: string; link?: Link; values: LinkFormValues; errors: FormErrors }) {
  const editing = props.link !== undefined;
  const title = editing ? `Edit ${props.link?.code}` : "New link";
  return (
    <Layout title={title} section={editing ? "links" : "new"} csrfToken={props.csrfToken}>
      <h1>{title}</h1>
      <ErrorSummary errors={props.errors} labels={FORM_LABELS} />
      <form
        method="post"
        action={editing ? `/links/${props.link?.id}` : "/links"}
        data-busy={editing ? "Saving…" : "Creating…"}
        novalidate
      >
        <Hidden csrfToken={props.csrfToken} />
        <Field
          name="targetUrl"
          label={FORM_LABELS.targetUrl}
          type="url"
          value={props.values.targetUrl}
          errors={props.errors}
          hint="Where the short link sends people: an http or https address."
          required
          inputmode="url"
        />
        {!editing && (
          <Field
            name="code"
            label={`${FORM_LABELS.code} (optional)`}
            value={props.values.code}
            errors={props.errors}
            hint="3 to 64 letters, digits, - or _. Leave it empty for a generated code."
            autocomplete="off"
          />
        )}
        <SelectField
          name="redirectType"
          label={FORM_LABELS.redirectType}
          value={props.values.redirectType || "302"}
          options={[
            ["302", "302: temporary"],
            ["301", "301: permanent"],
          ]}
          errors={props.errors}
          hint="Browsers may remember a permanent redirect, so a later change of target can miss them."
        />
        <Field
          name="expiresAt"
          label={`${FORM_LABELS.expiresAt} (optional, UTC)`}
          type="datetime-local"
          value={props.values.expiresAt}
          errors={props.errors}
          hint={editing ? "Empty: the link never expires." : "After this time the link answers 410 Gone."}
        />
        <div class="actions">
          <button type="submit">{editing ? "Save changes" : "Create link"}</button>
          <a href={editing ? `/links/${props.link?.id}` : "/links"}>Cancel</a>
        </div>
      </form>
    </Layout>
  );
}

function RangeLinks(props: { base: string; range: RangeName }) {
  return (
    <nav class="ranges" aria-label="Range">
      {(Object.keys(RANGES) as RangeName[]).map((name) => (
        <a href={`${props.base}?range=${name}`} aria-current={name === props.range ? "true" : undefined}>
          {RANGES[name].label}
        </a>
      ))}
    </nav>
  );
}

function StatsProblem(props: { problem: Problem }) {
  return (
    <p class="error-summary" role="alert">
      Statistics are not available right now: {props.problem.detail ?? props.problem.title}
    </p>
  );
}

export function LinkPage(props: {
  csrfToken: string;
  link: Link;
  stats: LinkStats | Problem;
  range: RangeName;
  now: number;
  notice?: string | undefined;
}) {
  const { link } = props;
  return (
    <Layout title={link.code} section="links" csrfToken={props.csrfToken} notice={props.notice}>
      <h1>{link.code}</h1>
      <dl class="facts">
        <dt>Short URL</dt>
        <dd>
          <ShortUrl link={link} />
        </dd>
        <dt>Target</dt>
        <dd>{link.targetUrl}</dd>
        <dt>Status</dt>
        <dd data-testid="status">
          <StatusBadge link={link} now={props.now} />
        </dd>
        <dt>Redirect</dt>
        <dd>{link.redirectType}</dd>
        <dt>Expires</dt>
        <dd>{link.expiresAt ? dateTime(link.expiresAt) : "never"}</dd>
        <dt>Created</dt>
        <dd>{dateTime(link.createdAt)}</dd>
      </dl>
      <div class="actions">
        <a class="button secondary" href={`/links/${link.id}/edit`}>
          Edit
        </a>
        <form method="post" action={`/links/${link.id}/enabled`} data-busy="Saving…">
          <Hidden csrfToken={props.csrfToken} />
          <input type="hidden" name="enabled" value={link.enabled ? "false" : "true"} />
          <button type="submit" class="secondary">
            {link.enabled ? "Disable" : "Enable"}
          </button>
        </form>
        <a class="button secondary" href={`/links/${link.id}/delete`}>
          Delete
        </a>
      </div>
      <h2>Clicks</h2>
      <RangeLinks base={`/links/${link.id}`} range={props.range} />
      {"series" in props.stats ? (
        <>
          <p class="kpi" data-testid="total-clicks">
            {props.stats.total}
          </p>
          <p class="muted">clicks in the last {RANGES[props.range].label}</p>
          <ClicksChart
            id="link-clicks"
            title={`Clicks on ${link.code} per ${props.stats.granularity}`}
            series={props.stats.series}
            granularity={props.stats.granularity}
          />
          <div class="breakdowns">
            <Breakdown
              title="Top countries"
              label="Country"
              rows={props.stats.topCountries.map((r) => ({
                name: r.country === "ZZ" ? "Unknown" : r.country,
                clicks: r.clicks,
              }))}
            />
            <Breakdown
              title="Top referrers"
              label="Referring site"
              rows={props.stats.topReferrers.map((r) => ({ name: r.host ?? "None (direct)", clicks: r.clicks }))}
            />
          </div>
        </>
      ) : (
        <StatsProblem problem={props.stats} />
      )}
    </Layout>
  );
}

/** One dimension of a link's clicks (countries, referrers) as a small table, or a line saying there is none. */
function Breakdown(props: { title: string; label: string; rows: { name: string; clicks: number }[] }) {
  return (
    <section>
      <h3>{props.title}</h3>
      {props.rows.length === 0 ? (
        <p class="muted">No clicks in this range.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{props.label}</th>
              <th scope="col">Clicks</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr>
                <td>{row.name}</td>
                <td>{row.clicks}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function DeletePage(props: { csrfToken: string; link: Link }) {
  return (
    <Layout title={`Delete ${props.link.code}`} section="links" csrfToken={props.csrfToken}>
      <h1>Delete {props.link.code}?</h1>
      <p>
        The short link {props.link.shortUrl ?? props.link.code} stops working at once and its clicks are deleted. This
        cannot be undone.
      </p>
      <form method="post" action={`/links/${props.link.id}/delete`} class="actions" data-busy="Deleting…">
        <Hidden csrfToken={props.csrfToken} />
        <button type="submit" class="danger">
          Delete this link
        </button>
        <a href={`/links/${props.link.id}`}>Cancel</a>
      </form>
    </Layout>
  );
}

export function OverviewPage(props: {
  csrfToken: string;
  stats: TenantStats | Problem;
  range: RangeName;
  notice?: string | undefined;
}) {
  return (
    <Layout title="Overview" section="overview" csrfToken={props.csrfToken} notice={props.notice}>
      <h1>Overview</h1>
      <RangeLinks base="/" range={props.range} />
      {"series" in props.stats ? (
        <>
          <p class="kpi" data-testid="total-clicks">
            {props.stats.total}
          </p>
          <p class="muted">clicks on all your links in the last {RANGES[props.range].label}</p>
          <ClicksChart
            id="tenant-clicks"
            title={`Clicks on all links per ${props.stats.granularity}`}
            series={props.stats.series}
            granularity={props.stats.granularity}
          />
          <h2>Top links</h2>
          {props.stats.topLinks.length === 0 ? (
            <div class="empty">
              <p>
                No clicks yet. <a href="/links">See your links</a> or <a href="/links/new">create one</a>.
              </p>
            </div>
          ) : (
            <table>
              <caption class="visually-hidden">Your most clicked links</caption>
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Clicks</th>
                </tr>
              </thead>
              <tbody>
                {props.stats.topLinks.map((top) => (
                  <tr>
                    <td>
                      <a href={`/links/${top.linkId}`}>{top.code}</a>
                    </td>
                    <td>{top.clicks}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : (
        <StatsProblem problem={props.stats} />
      )}
    </Layout>
  );
}

export function ErrorPage(props: { status: number; title: string; detail?: string | undefined; csrfToken?: string }) {
  return (
    <Layout title={props.title} csrfToken={props.csrfToken}>
      <h1>{props.title}</h1>
      {props.detail && <p>{props.detail}</p>}
      <p>
        <a href="/">Back to the start</a>
      </p>
    </Layout>
  );
}
