// A kiosk single-page app: rendered in the browser only, served from the fallback index.html.
export const ssr = false;
export const prerender = false;
