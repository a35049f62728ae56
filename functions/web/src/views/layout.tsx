import type { Child } from "hono/jsx";
import { assets } from "../assets/index.ts";

export type Section = "overview" | "links" | "new" | undefined;

export interface LayoutProps {
  title: string;
  /** Present when signed in: the navigation and the sign-out form. */
  csrfToken?: string | undefined;
  section?: Section;
  notice?: string | undefined;
  children?: Child;
}

export function Layout(props: LayoutProps) {
  const current = (section: Section) => (props.section === section ? "page" : undefined);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Short links`}</title>
        <link rel="stylesheet" href={assets.css.path} />
        <script src={assets.js.path} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header>
          <a class="brand" href="/">
            Short links
          </a>
          {props.csrfToken !== undefined && (
            <>
              <nav aria-label="Main">
                <a href="/" aria-current={current("overview")}>
                  Overview
                </a>
                <a href="/links" aria-current={current("links")}>
                  Links
                </a>
                <a href="/links/new" aria-current={current("new")}>
                  New link
                </a>
              </nav>
              <form method="post" action="/sign-out">
                <input type="hidden" name="_csrf" value={props.csrfToken} />
                <button type="submit" class="secondary">
                  Sign out
                </button>
              </form>
            </>
          )}
        </header>
        <main id="main">
          {props.notice && (
            <p class="notice" role="status">
              {props.notice}
            </p>
          )}
          {props.children}
        </main>
        <div id="live" class="visually-hidden" aria-live="polite" />
      </body>
    </html>
  );
}
