/* html.c - writes the self-contained HTML page: the inlined charting library, our script and
 * style, and the recording's data as JSON that no string of the recording can break out of. */
#include "core/html.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/html_assets.h"

/* Cuts the source-map comment ("//# sourceMappingURL=...", or CSS "/ *# ...") off a file: the
 * page must never ask for a file beside it. */
static void strip_source_map(char *text)
{
	char *at = strstr(text, "sourceMappingURL=");
	if (at && at - text >= 4 && at[-4] == '/' && (at[-3] == '/' || at[-3] == '*') &&
	    at[-2] == '#' && at[-1] == ' ')
		at[-4] = 0;
}

/* 1 when text holds something that would end or change its <script>/<style> element. */
static int breaks_element(const char *text)
{
	for (const char *p = text; (p = strchr(p, '<')); p++)
		if (!strncasecmp(p, "</script", 8) || !strncasecmp(p, "</style", 7) ||
		    !strncmp(p, "<!--", 4))
			return 1;
	return 0;
}

static char *lib_file(const char *dir, const char *name, struct err *e)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	size_t len;
	struct err why;
	char *text = read_file(path, &len, &why);
	if (!text) {
		err_set(e, "needs %s (apt-get install %s): cannot read '%s'", HTML_DYGRAPHS_PKG,
			HTML_DYGRAPHS_PKG, path);
		return NULL;
	}
	strip_source_map(text);
	if (breaks_element(text)) {
		free(text);
		err_set(e, "cannot inline '%s': it holds '</script', '</style' or '<!--'", path);
		return NULL;
	}
	return text;
}

int html_lib_load(const char *dir, struct html_lib *lib, struct err *e)
{
	memset(lib, 0, sizeof(*lib));
	if (!dir)
		dir = HTML_DYGRAPHS_DIR;
	lib->js = lib_file(dir, "dygraph.min.js", e);
	if (lib->js)
		lib->css = lib_file(dir, "dygraph.min.css", e);
	if (lib->css)
		return 0;
	html_lib_release(lib);
	return -1;
}

void html_lib_release(struct html_lib *lib)
{
	free(lib->js);
	free(lib->css);
	lib->js = lib->css = NULL;
}

char *html_script_json(const char *json)
{
	size_t n = 0;
	for (const char *p = json; *p; p++)
		n += (*p == '<' || *p == '>' || *p == '&' || *p == '\xe2') ? 6 : 1;
	char *out = xmalloc(n + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)json; *p; p++) {
		if (*p == '<' || *p == '>' || *p == '&') {
			o += sprintf(o, "\\u%04x", *p);
		} else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			o += sprintf(o, "\\u202%c", p[2] == 0xa8 ? '8' : '9');
			p += 2;
		} else {
			*o++ = (char)*p;
		}
	}
	*o = 0;
	return out;
}

void html_put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

int html_write(FILE *f, const char *name, const struct html_lib *lib, const char *title,
	       cJSON *data, struct err *e)
{
	char *json = cJSON_PrintUnformatted(data);
	char *safe = html_script_json(json ? json : "{}");
	free(json);
	/* The policy forbids every fetch: a page attached to a CI run works offline, and
	 * an injected <img> or <script src> could not load anything either. */
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"mprof " MPROF_VERSION "\">\n<title>",
	      f);
	html_put_text(f, title);
	fputs("</title>\n<script>window.mprofErrors=[];window.addEventListener('error',"
	      "function(ev){window.mprofErrors.push(String(ev.message));"
	      "document.documentElement.setAttribute('data-mprof-errors',"
	      "window.mprofErrors.join(' | '));});</script>\n<style>",
	      f);
	fputs(lib->css, f);
	fputs("</style>\n<style>", f);
	fputs(html_page_css, f);
	fputs("</style>\n</head>\n<body data-mprof-ready=\"0\">\n"
	      "<noscript>This report needs JavaScript.</noscript>\n"
	      "<script type=\"application/json\" id=\"mprof-data\">",
	      f);
	fputs(safe, f);
	free(safe);
	fputs("</script>\n<script>", f);
	fputs(lib->js, f);
	fputs("\n</script>\n<script>", f);
	fputs(html_page_js, f);
	fputs("\n</script>\n</body></html>\n", f);
	if (fflush(f) || ferror(f))
		return err_sys(e, errno ? errno : EIO, "cannot write '%s'", name);
	return 0;
}
