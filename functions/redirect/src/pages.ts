const page = (title: string, message: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#222}h1{font-size:1.5rem}</style>
</head>
<body><h1>${title}</h1><p>${message}</p></body>
</html>
`;

export const NOT_FOUND_PAGE = page("Link not found", "This short link does not exist. Check that it was copied whole.");
export const GONE_PAGE = page(
  "Link no longer available",
  "This short link has expired or was switched off by its owner.",
);
