True False True True
True True True False
True True False
True False True True False
True True False
True True True False
True False True
guarded
