-- An object's record of its last complete read, before it is written anew.
DELETE FROM warehouse_meta WHERE key = $key;
