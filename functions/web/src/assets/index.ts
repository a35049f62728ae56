/**
 * Static assets under fingerprinted names (/assets/app.<hash>.css), so they
 * are cached for a year and a new build is a new name. They live in the code
 * (no files to find at run time), which also puts them in a revision's bundle.
 */
import { createHash } from "node:crypto";
import { clientScript } from "./client.ts";
import { styles } from "./styles.ts";

export interface Asset {
  path: string;
  contentType: string;
  body: string;
}

function fingerprinted(name: string, extension: string, contentType: string, body: string): Asset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { path: `/assets/${name}.${hash}.${extension}`, contentType, body };
}

export const assets = {
  css: fingerprinted("app", "css", "text/css; charset=utf-8", styles),
  js: fingerprinted("app", "js", "text/javascript; charset=utf-8", clientScript),
};

export const assetsByPath = new Map(Object.values(assets).map((asset) => [asset.path, asset]));
