-- Issue 12: the sentence-kind model's score of each proposal and constat (NULL when extraction
-- ran with the rules alone) and the organisation carrying each initiative (its porteur).

ALTER TABLE proposals ADD COLUMN kind_score REAL;
ALTER TABLE constats ADD COLUMN kind_score REAL;
ALTER TABLE initiatives ADD COLUMN porteur TEXT;
