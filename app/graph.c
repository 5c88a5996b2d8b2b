/*
 * The department graph of the network report (issue 6): Krackhardt's E-I
 * index and betweenness centrality over a matrix of interaction counts.
 * No Kore, no libpq: app/report_network.c fills the matrix from the shown
 * cells only, and tests/unit/test_graph.c checks the maths on small graphs
 * whose answers are known.
 *
 * The matrix is n x n, row-major, m[i * n + j] = interactions from group i
 * to group j (directed counts, >= 0). Both measures read it as an
 * undirected graph: the tie strength of i and j is m[i][j] + m[j][i].
 */
#define PARLEY_PURE
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

/* Two path lengths this close are the same length: lengths are sums of
 * reciprocals, which rounding can make differ in the last bits. */
#define GRAPH_EPSILON	1e-9

int
graph_ei(const double *m, size_t n, size_t i, struct graph_ei *out)
{
	size_t	j;

	memset(out, 0, sizeof(*out));
	if (m == NULL || i >= n)
		return (-1);
	for (j = 0; j < n; j++) {
		if (!(m[i * n + j] >= 0) || !(m[j * n + i] >= 0))
			return (-1);	/* negative or NaN */
		if (j == i)
			out->internal += m[i * n + i];
		else
			out->external += m[i * n + j] + m[j * n + i];
	}
	out->defined = out->internal + out->external > 0;
	if (out->defined)
		out->index = (out->external - out->internal) /
		    (out->external + out->internal);
	return (0);
}

static int
same_length(double a, double b)
{
	double	diff = a > b ? a - b : b - a, scale = a > b ? a : b;

	/* No libm: plain comparisons instead of fabs() and fmax(). */
	if (scale < 1.0)
		scale = 1.0;
	return (diff <= GRAPH_EPSILON * scale);
}

/*
 * Brandes (2001), "A faster algorithm for betweenness centrality", with
 * Dijkstra for the weighted case: from every source, settle nodes in order
 * of distance counting shortest paths (sigma) and remembering
 * predecessors, then walk back from the farthest, accumulating each node's
 * dependency (delta). An undirected graph counts every pair twice, hence
 * the halving; normalising by the (n-1)(n-2)/2 pairs that exclude a node
 * puts the result in [0, 1] (1: the centre of a star).
 */
int
graph_betweenness(const double *m, size_t n, double *out)
{
	double		*len = NULL, *dist = NULL, *sigma = NULL, *delta = NULL;
	unsigned char	*done = NULL, *pred = NULL;
	size_t		*order = NULL, s, i, j, v, settled, best;
	double		 strength, pairs;
	int		 ret = -1;

	if (out == NULL || (n > 0 && m == NULL) || n > GRAPH_MAX_NODES)
		return (-1);
	for (i = 0; i < n; i++)
		out[i] = 0;
	if (n < 3)
		return (0);
	if ((len = calloc(n * n, sizeof(*len))) == NULL ||
	    (pred = calloc(n * n, 1)) == NULL ||
	    (dist = calloc(n, sizeof(*dist))) == NULL ||
	    (sigma = calloc(n, sizeof(*sigma))) == NULL ||
	    (delta = calloc(n, sizeof(*delta))) == NULL ||
	    (done = calloc(n, 1)) == NULL ||
	    (order = calloc(n, sizeof(*order))) == NULL)
		goto out;

	/* Edge lengths: 1 / strength; 0 means no edge. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			if (!(m[i * n + j] >= 0) || isinf(m[i * n + j]))
				goto out;	/* negative, NaN, infinite */
			strength = m[i * n + j] + m[j * n + i];
			len[i * n + j] = (i != j && strength > 0) ?
			    1.0 / strength : 0;
		}
	}

	for (s = 0; s < n; s++) {
		for (i = 0; i < n; i++) {
			dist[i] = INFINITY;
			sigma[i] = 0;
			delta[i] = 0;
			done[i] = 0;
		}
		memset(pred, 0, n * n);
		dist[s] = 0;
		sigma[s] = 1;
		for (settled = 0; settled < n; settled++) {
			/* The nearest unsettled node (O(n^2) Dijkstra). */
			best = n;
			for (i = 0; i < n; i++)
				if (!done[i] && dist[i] < INFINITY &&
				    (best == n || dist[i] < dist[best]))
					best = i;
			if (best == n)
				break;	/* the rest is unreachable */
			v = best;
			done[v] = 1;
			order[settled] = v;
			for (j = 0; j < n; j++) {
				double	d;

				if (len[v * n + j] == 0 || done[j])
					continue;
				d = dist[v] + len[v * n + j];
				if (dist[j] < INFINITY && same_length(d, dist[j])) {
					sigma[j] += sigma[v];
					pred[j * n + v] = 1;
				} else if (d < dist[j]) {
					dist[j] = d;
					sigma[j] = sigma[v];
					memset(pred + j * n, 0, n);
					pred[j * n + v] = 1;
				}
			}
		}
		/* Farthest first: dependencies flow back to predecessors. */
		while (settled-- > 0) {
			v = order[settled];
			for (i = 0; i < n; i++)
				if (pred[v * n + i])
					delta[i] += sigma[i] / sigma[v] *
					    (1 + delta[v]);
			if (v != s)
				out[v] += delta[v];
		}
	}

	pairs = (double)(n - 1) * (double)(n - 2) / 2;
	for (i = 0; i < n; i++)
		out[i] = out[i] / 2 / pairs;
	ret = 0;
out:
	free(len);
	free(pred);
	free(dist);
	free(sigma);
	free(delta);
	free(done);
	free(order);
	return (ret);
}
