-- A job works on a subject of its owner's choosing (a campaign, later an
-- account for report downloads): the job system knows its type and id, not
-- what it is.
ALTER TABLE job_owners ADD COLUMN subject_type TEXT;
ALTER TABLE job_owners ADD COLUMN subject_id INTEGER;
UPDATE job_owners SET subject_type = 'campaign', subject_id = campaign_id WHERE campaign_id IS NOT NULL;
DROP INDEX job_owners_campaign;
ALTER TABLE job_owners DROP COLUMN campaign_id;
CREATE INDEX job_owners_subject ON job_owners (subject_type, subject_id, job_id);
