/*
 * media/vips_api.h: the libvips functions the image pipeline calls, loaded at run time.
 *
 * libvips (and through it GLib, poppler, librsvg, x265, OpenEXR... about 80 shared libraries)
 * is not linked into the binary: it is opened with dlopen the first time a photo is decoded
 * or made (nz_media_init). Linked, those libraries were mapped, relocated and initialised by
 * every `newszone` process at start: about 15 ms of CPU for each CLI command (the incremental
 * build's fixed cost) and about 25 MB of the server's resident memory, for processes that
 * mostly never touch a photo. A machine without libvips still serves and builds every text page;
 * a photo operation there fails with the loader's message.
 *
 * How: this header includes <vips/vips.h> for its types and constants, keeps a pointer of each
 * function's own type in nz__vips, and (unless NZ__VIPS_LOADER is defined: the loader itself)
 * renames each call `vips_x(...)` to `(nz__vips.vips_x)(...)`, so render.c reads as plain
 * libvips. Only src/media/ includes it (scripts/check-deps.sh). Add a function here when
 * render.c calls a new one: the link fails on a name that is missing (libvips is not linked).
 */
#ifndef NZ_MEDIA_VIPS_API_H
#define NZ_MEDIA_VIPS_API_H

#include <vips/vips.h>

#include "core/core.h"

/* Every function called, directly or through a libvips/GLib macro (g_signal_connect). */
#define NZ__VIPS_FUNCS(X)                                                                          \
	X(vips_init)                                                                               \
	X(vips_version)                                                                            \
	X(vips_cache_set_max)                                                                      \
	X(vips_concurrency_set)                                                                    \
	X(vips_operation_block_set)                                                                \
	X(vips_error_buffer_copy)                                                                  \
	X(vips_error_clear)                                                                        \
	X(vips_image_new_from_buffer)                                                              \
	X(vips_image_get_width)                                                                    \
	X(vips_image_get_height)                                                                   \
	X(vips_image_get_orientation_swap)                                                         \
	X(vips_image_hasalpha)                                                                     \
	X(vips_image_map)                                                                          \
	X(vips_image_remove)                                                                       \
	X(vips_image_set_progress)                                                                 \
	X(vips_image_set_kill)                                                                     \
	X(vips_image_get_typeof)                                                                   \
	X(vips_image_get_blob)                                                                     \
	X(vips_thumbnail_buffer)                                                                   \
	X(vips_extract_area)                                                                       \
	X(vips_flatten)                                                                            \
	X(vips_copy)                                                                               \
	X(vips_array_double_newv)                                                                  \
	X(vips_area_unref)                                                                         \
	X(vips_webpsave_buffer)                                                                    \
	X(vips_heifsave_buffer)                                                                    \
	X(vips_pngsave_buffer)                                                                     \
	X(vips_jpegsave_buffer)                                                                    \
	X(g_object_unref)                                                                          \
	X(g_signal_connect_data)                                                                   \
	X(g_free)                                                                                  \
	X(g_strdup)                                                                                \
	X(g_slist_prepend)                                                                         \
	X(g_slist_free_full)                                                                       \
	X(g_get_monotonic_time)

#define NZ__VIPS_POINTER(f) __typeof__(f) *f;
struct nz__vips_api {
	NZ__VIPS_FUNCS(NZ__VIPS_POINTER)
};
#undef NZ__VIPS_POINTER

/* Filled by nz__vips_load; read only after it returned NZ_OK. */
extern struct nz__vips_api nz__vips;

/* Opens libvips and finds every function above; once per process (later calls return the first
 * answer). NZ_IO with the loader's message when the library or a function is missing. Does not
 * initialise libvips (render.c does, through vips_init). */
nz_rc nz__vips_load(nz_err *err);

#ifndef NZ__VIPS_LOADER
#define NZ__VIPS_RENAME(f) (nz__vips.f)
#define vips_init NZ__VIPS_RENAME(vips_init)
#define vips_version NZ__VIPS_RENAME(vips_version)
#define vips_cache_set_max NZ__VIPS_RENAME(vips_cache_set_max)
#define vips_concurrency_set NZ__VIPS_RENAME(vips_concurrency_set)
#define vips_operation_block_set NZ__VIPS_RENAME(vips_operation_block_set)
#define vips_error_buffer_copy NZ__VIPS_RENAME(vips_error_buffer_copy)
#define vips_error_clear NZ__VIPS_RENAME(vips_error_clear)
#define vips_image_new_from_buffer NZ__VIPS_RENAME(vips_image_new_from_buffer)
#define vips_image_get_width NZ__VIPS_RENAME(vips_image_get_width)
#define vips_image_get_height NZ__VIPS_RENAME(vips_image_get_height)
#define vips_image_get_orientation_swap NZ__VIPS_RENAME(vips_image_get_orientation_swap)
#define vips_image_hasalpha NZ__VIPS_RENAME(vips_image_hasalpha)
#define vips_image_map NZ__VIPS_RENAME(vips_image_map)
#define vips_image_remove NZ__VIPS_RENAME(vips_image_remove)
#define vips_image_set_progress NZ__VIPS_RENAME(vips_image_set_progress)
#define vips_image_set_kill NZ__VIPS_RENAME(vips_image_set_kill)
#define vips_image_get_typeof NZ__VIPS_RENAME(vips_image_get_typeof)
#define vips_image_get_blob NZ__VIPS_RENAME(vips_image_get_blob)
#define vips_thumbnail_buffer NZ__VIPS_RENAME(vips_thumbnail_buffer)
#define vips_extract_area NZ__VIPS_RENAME(vips_extract_area)
#define vips_flatten NZ__VIPS_RENAME(vips_flatten)
#define vips_copy NZ__VIPS_RENAME(vips_copy)
#define vips_array_double_newv NZ__VIPS_RENAME(vips_array_double_newv)
#define vips_area_unref NZ__VIPS_RENAME(vips_area_unref)
#define vips_webpsave_buffer NZ__VIPS_RENAME(vips_webpsave_buffer)
#define vips_heifsave_buffer NZ__VIPS_RENAME(vips_heifsave_buffer)
#define vips_pngsave_buffer NZ__VIPS_RENAME(vips_pngsave_buffer)
#define vips_jpegsave_buffer NZ__VIPS_RENAME(vips_jpegsave_buffer)
#define g_object_unref NZ__VIPS_RENAME(g_object_unref)
#define g_signal_connect_data NZ__VIPS_RENAME(g_signal_connect_data)
#define g_free NZ__VIPS_RENAME(g_free)
#define g_strdup NZ__VIPS_RENAME(g_strdup)
#define g_slist_prepend NZ__VIPS_RENAME(g_slist_prepend)
#define g_slist_free_full NZ__VIPS_RENAME(g_slist_free_full)
#define g_get_monotonic_time NZ__VIPS_RENAME(g_get_monotonic_time)
#endif

#endif
