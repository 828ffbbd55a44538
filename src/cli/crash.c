/*
 * cli/crash: what the process says when it dies of a fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT): one line naming the signal, the stack of the thread that faulted (glibc's
 * backtrace, one frame a line: "newszone(+0x4a1c2)" offsets that `addr2line -f -e newszone`
 * turns into functions and lines), then the default action (a core file where the system
 * keeps one, exit by the signal). An operator, or CI, gets where it died without a debugger.
 *
 * Rules: the handler uses only async-signal-safe calls (write, backtrace_symbols_fd, raise;
 * backtrace is called once at install so that its library is loaded before any fault). It
 * runs on an alternate stack on the main thread, so a stack overflow there is reported too.
 * A handler already installed (a sanitizer's) is left in place.
 */
#include <execinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static void say(const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGFPE:
		return "SIGFPE";
	case SIGILL:
		return "SIGILL";
	default:
		return "SIGABRT";
	}
}

static void on_fault(int sig)
{
	void *frames[64];
	say("newszone: crashed with ");
	say(signal_name(sig));
	say("; the stack (addr2line -f -e newszone OFFSET for each +0x...):\n");
	int n = backtrace(frames, (int)(sizeof frames / sizeof *frames));
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
	/* SA_RESETHAND put the default action back: the signal again ends the process with it. */
	raise(sig);
}

void cli_crash_report_install(void)
{
	static char alt[64 * 1024];
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
	void *warm[1];
	backtrace(warm, 1);
	bool on_alt = sigaltstack(&ss, NULL) == 0;
	for (size_t i = 0; i < sizeof faults / sizeof *faults; i++) {
		struct sigaction old, sa;
		if (sigaction(faults[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL ||
		    (old.sa_flags & SA_SIGINFO))
			continue; /* someone's handler (a sanitizer's): theirs says more */
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_fault;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESETHAND | SA_NODEFER | (on_alt ? SA_ONSTACK : 0);
		sigaction(faults[i], &sa, NULL);
	}
}
