/*
 * xml_int.h: what the two XML readers of ingest/ (wxr.c, WordPress exports; wire.c, agency
 * feeds) share: libxml2's first error, kept with its line, to name it in a refusal.
 */
#ifndef NZ_INGEST_XML_INT_H
#define NZ_INGEST_XML_INT_H

#include <libxml/xmlreader.h>

typedef struct nz__xml_error {
	char msg[200]; /* "" until the first error */
	int line;
} nz__xml_error;

/* A structured error handler for xmlTextReaderSetStructuredErrorHandler; ctx is an
 * nz__xml_error. Keeps the first error (warnings are ignored). */
void nz__xml_on_error(void *ctx, xmlErrorPtr e);

#endif
