-- Where an annotation's labels came from, so that a retrained model is compared with the
-- current one on labels people chose, not on the current model's own suggestions saved as is:
--   'person'    : chosen or changed by the person (nothing pre-filled, or the pre-fill changed);
--   'confirmed' : the machine's suggestion, explicitly confirmed by the person;
--   'prefilled' : the machine's suggestion saved untouched (kept, used for training, never
--                 to compare models: it would favour the model that suggested it).
-- NULL: saved before this migration (unknown); left out of comparisons too.

ALTER TABLE app_annotations ADD COLUMN origin TEXT CHECK (origin IN ('person', 'confirmed', 'prefilled'));
