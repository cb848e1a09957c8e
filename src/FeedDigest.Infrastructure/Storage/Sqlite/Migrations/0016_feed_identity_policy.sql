-- The identity policy a feed's stored keys were made under (auto, guid, link, title, content). When
-- the configuration changes it, the keys the new policy makes were never stored, so every item the
-- feed holds would look new: the feed's next items are then taken as its archive again (only recent
-- ones count as new; items_stored, 0015). NULL for feeds stored before: their policy is not known,
-- and is recorded at the next sync without holding anything back.
ALTER TABLE feeds ADD COLUMN identity TEXT;
