/* Unit tests for app/graph.c: the E-I index and betweenness centrality on
 * small graphs whose answers are known by hand. */
#define PARLEY_PURE
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"
#include "tap.h"

static int
near(double a, double b)
{
	double	d = a > b ? a - b : b - a;

	return (d < 1e-9);
}

/* An undirected edge of strength w, written one way (the other is 0). */
static void
edge(double *m, size_t n, size_t i, size_t j, double w)
{
	m[i * n + j] = w;
}

static void
test_ei(void)
{
	/* 0 -> 0: 6 internal; 0 -> 1: 2, 1 -> 0: 2 external. */
	double		m[4] = { 6, 2, 2, 0 };
	double		lone[9] = { 0 };
	double		bad[4] = { 1, -1, 0, 0 };
	struct graph_ei	e;

	ok(graph_ei(m, 2, 0, &e) == 0 && near(e.internal, 6) &&
	    near(e.external, 4) && e.defined && near(e.index, -0.2),
	    "E-I: (4 - 6) / (4 + 6) = -0.2 for a mostly inward group");
	ok(graph_ei(m, 2, 1, &e) == 0 && near(e.internal, 0) &&
	    near(e.external, 4) && near(e.index, 1),
	    "E-I: 1 for a group with only outside ties, both directions summed");
	m[0] = 0;
	m[1] = 0;
	m[2] = 0;
	m[3] = 5;
	ok(graph_ei(m, 2, 1, &e) == 0 && near(e.index, -1),
	    "E-I: -1 for a silo (only inside ties)");
	ok(graph_ei(lone, 3, 2, &e) == 0 && !e.defined && e.index == 0,
	    "E-I: undefined (0, defined = 0) without any ties");
	m[3] = 2;
	m[1] = 2;
	ok(graph_ei(m, 2, 0, &e) == 0 && near(e.index, 1) &&
	    graph_ei(m, 2, 1, &e) == 0 && near(e.index, 0),
	    "E-I: equal inside and outside is 0");
	ok(graph_ei(m, 2, 2, &e) == -1, "E-I: a group outside the matrix is -1");
	ok(graph_ei(bad, 2, 0, &e) == -1, "E-I: a negative count is -1");
	ok(graph_ei(NULL, 2, 0, &e) == -1, "E-I: no matrix is -1");
}

static void
test_betweenness_shapes(void)
{
	double	path[9] = { 0 }, star[25] = { 0 }, tri[9] = { 0 };
	double	out[5], two[4] = { 0, 3, 0, 0 };
	size_t	i;

	/* A - B - C: every A..C path goes through B (one pair of two). */
	edge(path, 3, 0, 1, 1);
	edge(path, 3, 1, 2, 1);
	ok(graph_betweenness(path, 3, out) == 0 && near(out[0], 0) &&
	    near(out[1], 1) && near(out[2], 0),
	    "path of three: the middle scores 1, the ends 0");

	/* A star: the centre is on all 6 paths between the 4 leaves. */
	for (i = 1; i < 5; i++)
		edge(star, 5, 0, i, 1);
	ok(graph_betweenness(star, 5, out) == 0 && near(out[0], 1) &&
	    near(out[1], 0) && near(out[4], 0),
	    "star: the centre scores 1, leaves 0");

	/* A triangle: every pair has its own edge. */
	edge(tri, 3, 0, 1, 1);
	edge(tri, 3, 1, 2, 1);
	edge(tri, 3, 2, 0, 1);
	ok(graph_betweenness(tri, 3, out) == 0 && near(out[0], 0) &&
	    near(out[1], 0) && near(out[2], 0),
	    "triangle: nobody is between anybody");

	ok(graph_betweenness(two, 2, out) == 0 && out[0] == 0 && out[1] == 0,
	    "fewer than three nodes: all 0");
}

static void
test_betweenness_weights(void)
{
	double	m[9] = { 0 }, sq[16] = { 0 }, split[16] = { 0 }, gap[16] = { 0 };
	double	out[4];

	/*
	 * A weak direct tie A-C (strength 1, length 1) loses to the strong
	 * way through B (strength 10 each, length 0.2): B is between.
	 */
	edge(m, 3, 0, 2, 1);
	edge(m, 3, 0, 1, 10);
	edge(m, 3, 1, 2, 10);
	ok(graph_betweenness(m, 3, out) == 0 && near(out[1], 1) &&
	    near(out[0], 0) && near(out[2], 0),
	    "weighted: the strong two-step path beats a weak direct tie");
	/* Weaken the detour: now the direct tie is shorter. */
	edge(m, 3, 0, 1, 1);
	edge(m, 3, 1, 2, 1);
	edge(m, 3, 0, 2, 5);
	ok(graph_betweenness(m, 3, out) == 0 && near(out[1], 0),
	    "weighted: a strong direct tie takes the path back");

	/*
	 * A square A-B-C-D-A with equal ties: A..C has two shortest paths
	 * (via B and via D), so B gets half of it, and half of B..D goes
	 * through A: each node is on 1/2 of one pair's paths -> 0.5 / 3.
	 */
	edge(sq, 4, 0, 1, 2);
	edge(sq, 4, 1, 2, 2);
	edge(sq, 4, 2, 3, 2);
	edge(sq, 4, 3, 0, 2);
	ok(graph_betweenness(sq, 4, out) == 0 && near(out[0], 0.5 / 3) &&
	    near(out[1], 0.5 / 3) && near(out[2], 0.5 / 3) &&
	    near(out[3], 0.5 / 3),
	    "square: equal shortest paths split the credit");

	/*
	 * Strengths written in both directions are summed: 0->1 3 plus 1->0
	 * 2 is one tie of 5, as strong as 1-2 written once as 5.
	 */
	split[0 * 4 + 1] = 3;
	split[1 * 4 + 0] = 2;
	split[1 * 4 + 2] = 5;
	split[2 * 4 + 3] = 5;
	split[0 * 4 + 3] = 0.1;
	ok(graph_betweenness(split, 4, out) == 0 &&
	    near(out[1], out[2]) && out[1] > out[0],
	    "both directions of a tie add up to its strength");

	/* Two separate pairs: no paths between them, nothing in between. */
	edge(gap, 4, 0, 1, 1);
	edge(gap, 4, 2, 3, 1);
	ok(graph_betweenness(gap, 4, out) == 0 && out[0] == 0 && out[3] == 0,
	    "disconnected parts: unreachable pairs count for nobody");
}

static void
test_betweenness_bad(void)
{
	double	m[9] = { 0 }, out[3], *big;
	size_t	n = GRAPH_MAX_NODES + 1;

	m[1] = -1;
	ok(graph_betweenness(m, 3, out) == -1, "a negative count is -1");
	m[1] = NAN;
	ok(graph_betweenness(m, 3, out) == -1, "NaN is -1");
	m[1] = INFINITY;
	ok(graph_betweenness(m, 3, out) == -1, "infinity is -1");
	ok(graph_betweenness(NULL, 3, out) == -1, "no matrix is -1");
	ok(graph_betweenness(m, 0, out) == 0, "an empty graph is fine");
	big = calloc(n, sizeof(*big));
	ok(big != NULL && graph_betweenness(m, n, big) == -1,
	    "more than GRAPH_MAX_NODES nodes is refused");
	free(big);
}

static void
test_betweenness_larger(void)
{
	/* Two cliques of four joined by one bridge node: 0-3 | 4 | 5-8. */
	enum { N = 9 };
	double	m[N * N], out[N];
	size_t	i, j;

	memset(m, 0, sizeof(m));
	for (i = 0; i < 4; i++)
		for (j = i + 1; j < 4; j++) {
			edge(m, N, i, j, 1);
			edge(m, N, i + 5, j + 5, 1);
		}
	edge(m, N, 3, 4, 1);
	edge(m, N, 4, 5, 1);
	ok(graph_betweenness(m, N, out) == 0, "barbell computes");
	/*
	 * The bridge lies on every path between the 4 + 4 sides (16 pairs)
	 * of the 28 pairs without it; the clique ends 3 and 5 each carry
	 * their three clique mates to the other five nodes (15 pairs).
	 */
	ok(near(out[4], 16.0 / 28), "barbell: the bridge scores 16/28");
	ok(near(out[3], 15.0 / 28) && near(out[5], 15.0 / 28),
	    "barbell: each side's gate scores 15/28");
	ok(near(out[0], 0) && near(out[8], 0),
	    "barbell: clique members are between nobody");
}

int
main(void)
{
	test_ei();
	test_betweenness_shapes();
	test_betweenness_weights();
	test_betweenness_bad();
	test_betweenness_larger();
	return (done_testing());
}
