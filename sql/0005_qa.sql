-- 0005: indexes and a helper for communities and Q&A (app/communities.c,
-- app/qa.c).

-- A community's members in the order they joined (GET .../members).
CREATE INDEX community_members_joined_idx
  ON community_members (community_id, created_at, user_id);

-- "Has this been asked?" while a title is typed: the title's words against
-- the titles (GET /api/v1/questions/similar).
CREATE INDEX questions_title_fts_idx ON questions
  USING gin (to_tsvector('english', title)) WHERE deleted_at IS NULL;

-- Any of the words of t (OR), stemmed, for similar titles: a title that
-- shares more of them ranks higher. Lexemes are quoted for the tsquery
-- syntax (quotes doubled, backslashes escaped). Text without lexemes (stop
-- words, punctuation) is the empty query, which matches nothing;
-- PostgreSQL's notice about it is silenced.
CREATE FUNCTION qa_similar_query(t text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT SET client_min_messages = warning AS $$
  SELECT coalesce(string_agg('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''',
                             ' | ')::tsquery, ''::tsquery)
    FROM unnest(tsvector_to_array(to_tsvector('english', t))) AS l
$$;

-- The tag and status filters of GET /api/v1/questions run over the keyset
-- indexes of 0004 (questions_new_idx, questions_votes_idx,
-- questions_community_new_idx, questions_tags_idx); the answers of a
-- question are read through answers_question_idx.
