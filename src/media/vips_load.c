/*
 * media/vips_load.c: opens libvips at run time and finds the functions of media/vips_api.h.
 *
 * Rules: the library is opened once per process (pthread_once) and never closed; its handle is
 * RTLD_LOCAL, so its symbols (and GLib's) stay out of the global namespace. dlsym on the
 * handle searches libvips and the libraries it needs, which is where GLib's functions are.
 */
#define NZ__VIPS_LOADER
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "media/vips_api.h"

/* The soname of libvips 8.x (Debian's libvips42), then the development link as a fallback. */
static const char *const libraries[] = {"libvips.so.42", "libvips.so"};

struct nz__vips_api nz__vips;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[256]; /* empty when loaded */

static bool find(void *lib, const char *name, void **slot)
{
	dlerror();
	*slot = dlsym(lib, name);
	if (*slot)
		return true;
	const char *why = dlerror();
	snprintf(load_error, sizeof load_error, "%s", why ? why : name);
	return false;
}

static void load(void)
{
	void *lib = NULL;
	for (size_t i = 0; !lib && i < sizeof libraries / sizeof *libraries; i++)
		lib = dlopen(libraries[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *why = dlerror();
		snprintf(load_error, sizeof load_error, "%s", why ? why : "cannot open libvips");
		return;
	}
#define NZ__VIPS_FIND(f)                                                                           \
	if (!find(lib, #f, (void **)&nz__vips.f))                                                  \
		return;
	NZ__VIPS_FUNCS(NZ__VIPS_FIND)
#undef NZ__VIPS_FIND
}

nz_rc nz__vips_load(nz_err *err)
{
	pthread_once(&load_once, load);
	return load_error[0] ? nz_err_set(err, NZ_IO, "image pipeline: %s", load_error) : NZ_OK;
}
