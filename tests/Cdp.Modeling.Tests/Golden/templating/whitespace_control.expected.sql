select
    id,
    name,
    email
from t

a b cyes
end
