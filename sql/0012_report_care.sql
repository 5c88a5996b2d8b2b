-- 0012: the figures of the customer-care report (app/report_care.c).
--
-- One function computes every figure, in two modes, so that the groups and
-- the summary can never be computed two different ways:
--
--   report_care_figures(from, to, NULL)  one row per channel x ISO week
--     (Monday, UTC, of opened_at) with conversations in [from, to): every
--     group, shown or not, with the people counts the privacy rules need.
--     The caller (app/kanon.c) decides which groups may be shown.
--   report_care_figures(from, to, shown) one summary row over the groups
--     listed in shown, [{"channel", "week", "collaboration", "comparison"}]:
--     only the conversations of those groups count; the collaboration
--     figures only from groups whose collaboration may be shown, the
--     with/without comparison only from groups whose comparison may be
--     shown. Nothing from a group that is not listed can reach it, so the
--     summary is never "total minus what is shown". No groups, no row.
--
-- Definitions:
--   customers      distinct non-blank customer handles, compared ignoring
--                  case and surrounding spaces, per channel (a conversation
--                  with no inbound message has no customer and adds none).
--   fcr_rate       of the resolved conversations, the share resolved at
--                  first contact.
--   csat_average   over the conversations that have a CSAT.
--   first response minutes from opened_at to first_response_at (median
--                  over conversations that have one).
--   linked         conversations with at least one customer_links row, of
--                  any kind (post, question, community; via 'link' or
--                  'escalation'); escalations counts those with at least one
--                  via = 'escalation' link.
--   collaboration  customer_collaboration() of each linked conversation,
--                  averaged over linked conversations; internal_people is
--                  the number of distinct authors of internal messages
--                  across the group's linked conversations (the people the
--                  k rule applies to for these figures).
--   with / without with: conversations whose internal_messages > 0;
--                  without: all others. Resolution minutes are from
--                  opened_at to resolved_at of resolved conversations.

CREATE FUNCTION report_care_figures(p_from timestamptz, p_to timestamptz,
  p_shown jsonb)
RETURNS TABLE (
  channel_id bigint, channel_name text, channel_kind text, week date,
  conversations integer, customers integer, resolved integer,
  fcr_rate numeric, csat_responses integer, csat_average numeric,
  median_first_response_minutes numeric,
  linked integer, escalations integer, escalated_share numeric,
  internal_people integer, participants_per_linked numeric,
  departments_per_linked numeric,
  with_customers integer, with_conversations integer, with_resolved integer,
  with_median_resolution_minutes numeric, with_csat_average numeric,
  with_csat_responses integer,
  without_customers integer, without_conversations integer,
  without_resolved integer, without_median_resolution_minutes numeric,
  without_csat_average numeric, without_csat_responses integer)
LANGUAGE sql STABLE AS $$
  WITH shown AS (
    SELECT s.channel, s.week, s.collaboration, s.comparison
    FROM jsonb_to_recordset(coalesce(p_shown, '[]'::jsonb)) AS s (
      channel bigint, week date, collaboration boolean, comparison boolean)),
  conv AS MATERIALIZED (
    SELECT v.id, v.channel_id,
      date_trunc('week', v.opened_at AT TIME ZONE 'UTC')::date AS week,
      nullif(lower(btrim(v.customer)), '') AS customer,
      v.status = 'resolved' AS resolved, v.first_contact_resolution AS fcr,
      v.csat,
      extract(epoch FROM v.first_response_at - v.opened_at) / 60
        AS first_response,
      CASE WHEN v.status = 'resolved'
        THEN extract(epoch FROM v.resolved_at - v.opened_at) / 60 END
        AS resolution,
      l.n > 0 AS linked, l.escalations > 0 AS escalated,
      p_shown IS NULL OR coalesce(s.collaboration, false) AS collab_ok,
      p_shown IS NULL OR coalesce(s.comparison, false) AS compare_ok,
      -- The grouping keys: channel and week, or one constant group for
      -- the summary (not NULL, so that the joins below can hash).
      CASE WHEN p_shown IS NULL THEN v.channel_id ELSE 0 END AS g_channel,
      CASE WHEN p_shown IS NULL THEN
        date_trunc('week', v.opened_at AT TIME ZONE 'UTC')::date
        ELSE date '1970-01-01' END AS g_week
    FROM customer_conversations v
    LEFT JOIN shown s ON s.channel = v.channel_id
      AND s.week = date_trunc('week', v.opened_at AT TIME ZONE 'UTC')::date
    CROSS JOIN LATERAL (SELECT count(*) AS n,
        count(*) FILTER (WHERE cl.via = 'escalation') AS escalations
      FROM customer_links cl WHERE cl.conversation_id = v.id) l
    WHERE v.opened_at >= p_from AND v.opened_at < p_to
      AND (p_shown IS NULL OR s.channel IS NOT NULL)),
  -- Collaboration only for linked conversations: the others have none,
  -- and most conversations are not linked.
  collab AS MATERIALIZED (
    SELECT c.id, k.internal_participants, k.departments, k.internal_messages
    FROM conv c CROSS JOIN LATERAL customer_collaboration(c.id) k
    WHERE c.linked),
  keyed AS (
    SELECT c.*,
      coalesce(x.internal_participants, 0) AS participants,
      coalesce(x.departments, 0) AS departments,
      coalesce(x.internal_messages, 0) > 0 AS collaborated
    FROM conv c LEFT JOIN collab x ON x.id = c.id),
  people AS (
    SELECT k.g_channel, k.g_week, count(DISTINCT m.author_id) AS n
    FROM keyed k CROSS JOIN LATERAL customer_internal_messages(k.id) m
    WHERE k.linked AND k.collab_ok
    GROUP BY k.g_channel, k.g_week)
  SELECT nullif(k.g_channel, 0), h.name, h.kind,
    CASE WHEN p_shown IS NULL THEN k.g_week END,
    count(*)::integer,
    count(DISTINCT (k.channel_id, k.customer))
      FILTER (WHERE k.customer IS NOT NULL)::integer,
    count(*) FILTER (WHERE k.resolved)::integer,
    round(count(*) FILTER (WHERE k.resolved AND k.fcr)::numeric
      / nullif(count(*) FILTER (WHERE k.resolved AND k.fcr IS NOT NULL), 0),
      4),
    count(k.csat)::integer,
    round(avg(k.csat), 2),
    round((percentile_cont(0.5) WITHIN GROUP (ORDER BY k.first_response))
      ::numeric, 1),
    count(*) FILTER (WHERE k.linked)::integer,
    count(*) FILTER (WHERE k.escalated)::integer,
    round(count(*) FILTER (WHERE k.linked)::numeric / count(*), 4),
    coalesce(max(p.n), 0)::integer,
    round(avg(k.participants) FILTER (WHERE k.linked AND k.collab_ok), 2),
    round(avg(k.departments) FILTER (WHERE k.linked AND k.collab_ok), 2),
    count(DISTINCT (k.channel_id, k.customer)) FILTER (WHERE k.compare_ok
      AND k.collaborated AND k.customer IS NOT NULL)::integer,
    count(*) FILTER (WHERE k.compare_ok AND k.collaborated)::integer,
    count(*) FILTER (WHERE k.compare_ok AND k.collaborated
      AND k.resolved)::integer,
    round((percentile_cont(0.5) WITHIN GROUP (ORDER BY k.resolution)
      FILTER (WHERE k.compare_ok AND k.collaborated))::numeric, 1),
    round(avg(k.csat) FILTER (WHERE k.compare_ok AND k.collaborated), 2),
    count(k.csat) FILTER (WHERE k.compare_ok AND k.collaborated)::integer,
    count(DISTINCT (k.channel_id, k.customer)) FILTER (WHERE k.compare_ok
      AND NOT k.collaborated AND k.customer IS NOT NULL)::integer,
    count(*) FILTER (WHERE k.compare_ok AND NOT k.collaborated)::integer,
    count(*) FILTER (WHERE k.compare_ok AND NOT k.collaborated
      AND k.resolved)::integer,
    round((percentile_cont(0.5) WITHIN GROUP (ORDER BY k.resolution)
      FILTER (WHERE k.compare_ok AND NOT k.collaborated))::numeric, 1),
    round(avg(k.csat) FILTER (WHERE k.compare_ok AND NOT k.collaborated), 2),
    count(k.csat) FILTER (WHERE k.compare_ok AND NOT k.collaborated)::integer
  FROM keyed k
  LEFT JOIN customer_channels h ON h.id = k.g_channel
  LEFT JOIN people p ON p.g_channel = k.g_channel AND p.g_week = k.g_week
  GROUP BY k.g_channel, h.name, h.kind, k.g_week
  ORDER BY k.g_week, k.g_channel
$$;
