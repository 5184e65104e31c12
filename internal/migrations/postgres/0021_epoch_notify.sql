-- Every committed move of an epoch counter (auth 0005, graph 0006, report
-- 0013, job 0018) is announced on the channel imaphub_epoch. Each process
-- keeps one connection LISTENing there (platform/db, epochListener) and,
-- while it listens and hears nothing, answers its kept pages without
-- reading the counters again. PostgreSQL sends a notification when its
-- transaction commits, once per transaction however many rows moved, and
-- never for one that rolled back.
CREATE FUNCTION epoch_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('imaphub_epoch', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER auth_epoch_notify AFTER UPDATE ON auth_epoch FOR EACH STATEMENT EXECUTE FUNCTION epoch_notify();
CREATE TRIGGER graph_epoch_notify AFTER UPDATE ON graph_epoch FOR EACH STATEMENT EXECUTE FUNCTION epoch_notify();
CREATE TRIGGER report_epoch_notify AFTER UPDATE ON report_epoch FOR EACH STATEMENT EXECUTE FUNCTION epoch_notify();
CREATE TRIGGER job_epoch_notify AFTER UPDATE ON job_epoch FOR EACH STATEMENT EXECUTE FUNCTION epoch_notify();
