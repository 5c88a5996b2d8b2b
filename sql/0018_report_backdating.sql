-- 0018: the collaboration rollups (0015) stay equal to their source tables
-- when content is backdated.
--
-- The triggers of 0015 follow every change the application makes, and the
-- application never changes when something was written. A data fix (or a
-- test) that moves created_at of posts, questions or answers moves activity
-- between weeks; such a statement rebuilds the rollups once, at its end
-- (statement-level, so a bulk fix pays once). At benchmark scale a rebuild
-- takes about 95 s: do large fixes in one statement.

CREATE FUNCTION report_backdated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_rebuild();
  RETURN NULL;
END $$;

CREATE TRIGGER report_posts_backdated AFTER UPDATE OF created_at ON posts
  FOR EACH STATEMENT EXECUTE FUNCTION report_backdated();
CREATE TRIGGER report_questions_backdated AFTER UPDATE OF created_at
  ON questions FOR EACH STATEMENT EXECUTE FUNCTION report_backdated();
CREATE TRIGGER report_answers_backdated AFTER UPDATE OF created_at ON answers
  FOR EACH STATEMENT EXECUTE FUNCTION report_backdated();
