/* html_assets.h - the HTML page's script and style, embedded at build time (html_assets.c). */
#ifndef MPROF_HTML_ASSETS_H
#define MPROF_HTML_ASSETS_H

/* NUL-terminated copies of src/core/html/page.js and page.css. */
extern const char html_page_js[];
extern const char html_page_css[];

#endif
