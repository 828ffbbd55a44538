/*
 * vm_steps.h: the work SQLite does, as its virtual-machine steps (which do not depend on the
 * machine's speed or load), for the tests that guard how work grows (plans.c, import_batch.c):
 * vm_steps_count on, run the call, read vm_steps, vm_steps_count off. The steps are summed over
 * every statement that finishes meanwhile, from SQLite's profile trace (sqlite3_trace_v2), so
 * statements the store builds per call count too.
 */
#ifndef NZ_TEST_VM_STEPS_H
#define NZ_TEST_VM_STEPS_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

static uint64_t vm_steps;

static int vm_steps_add(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	(void)x;
	if (type == SQLITE_TRACE_PROFILE)
		vm_steps += (uint64_t)sqlite3_stmt_status(p, SQLITE_STMTSTATUS_VM_STEP, 1);
	return 0;
}

static inline void vm_steps_count(sqlite3 *db, bool on)
{
	sqlite3_trace_v2(db, on ? SQLITE_TRACE_PROFILE : 0, on ? vm_steps_add : NULL, NULL);
}

#endif
