/* html_assets.c - the page's own script and style (src/core/html/), built into mprof with .incbin
 * so an installed mprof needs no data files of its own. */
#include "core/html_assets.h"

/* The Makefile makes this object depend on the files of src/core/html/; the paths are relative to
 * the top of the tree, where make runs the compiler. */
__asm__(".section .rodata\n"
	".global html_page_js\n"
	"html_page_js:\n"
	".incbin \"src/core/html/page.js\"\n"
	".byte 0\n"
	".global html_page_css\n"
	"html_page_css:\n"
	".incbin \"src/core/html/page.css\"\n"
	".byte 0\n"
	".previous\n");
