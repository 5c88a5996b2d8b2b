/*
 * A minimal TAP producer for the C unit tests: `prove` reads its output.
 * ok(cond, name) prints one test line; done_testing() prints the plan and
 * returns the exit status.
 */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>

static int	tap_n, tap_failed;

#define ok(cond, ...) do {						\
	tap_n++;							\
	if (cond) {							\
		printf("ok %d - ", tap_n);				\
	} else {							\
		tap_failed++;						\
		printf("not ok %d - ", tap_n);				\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!(cond))							\
		printf("#   failed at %s:%d\n", __FILE__, __LINE__);	\
} while (0)

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return (tap_failed != 0);
}

#endif
