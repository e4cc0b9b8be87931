using System.Globalization;
using Cdp.DemoBrand.Model;
using Cdp.DemoBrand.Output;

namespace Cdp.DemoBrand.Silos;

/// <summary>Purchases and browsing: replenishment of the products a person uses, discoveries, abandoned carts.</summary>
internal sealed partial class PersonSimulation
{
    /// <summary>A product the person uses and rebuys when it runs out.</summary>
    private sealed class Regular(Item item, DateTime due)
    {
        public Item Item { get; } = item;
        public DateTime Due { get; set; } = due;
    }

    private readonly List<Regular> _regulars = [];
    private readonly List<(Item Item, int Quantity)> _basket = [];
    private string _cookie = "";
    private DateTime _cookieUntil;
    private string _device = "";
    private DateTime _deviceUntil;

    /// <summary>The end of the person's activity: churn or the end of the data, whichever is first.</summary>
    private DateTime _until;

    /// <summary>The person's two years: purchase occasions and browsing sessions, in time order, until churn.</summary>
    private void Live()
    {
        var from = _p.Signup > _start ? _p.Signup : _start;
        var to = _p.Churn is { } c && c < _end ? c : _end;
        if (from >= to) return;
        _until = to;
        _regulars.Clear();
        _cookieUntil = DateTime.MinValue;
        _deviceUntil = DateTime.MinValue;

        var nextPurchase = _rng.Chance(0.85) ? from.AddDays(_rng.Exponential(20)) : DateTime.MaxValue;
        var discoveryMean = 210 / _p.Activity;
        var browseMean = (_p.Preferred == Channel.Store ? 240 : 120) / _p.Activity;
        var nextBrowse = from.AddDays(_rng.Exponential(browseMean));
        while (true)
        {
            var next = nextPurchase;
            foreach (var r in _regulars)
            {
                if (r.Due < next) next = r.Due;
            }
            if (nextBrowse < next)
            {
                if (nextBrowse >= to) break;
                Browse(nextBrowse);
                nextBrowse = nextBrowse.AddDays(_rng.Exponential(browseMean));
                continue;
            }
            if (next >= to) break;

            _basket.Clear();
            foreach (var r in _regulars)
            {
                if (r.Due > next.AddDays(4)) continue;
                if (_rng.Chance(0.06))
                {
                    // Bought elsewhere this time (a pharmacy, a gift): the next purchase comes one cycle later.
                    r.Due = r.Due.AddDays(Interval(r.Item, 1));
                    continue;
                }
                var quantity = _rng.Chance(0.06) ? 2 : 1;
                _basket.Add((r.Item, quantity));
                r.Due = next.AddDays(Interval(r.Item, quantity));
            }
            if (next == nextPurchase)
            {
                var count = _rng.Chance(0.3) ? 2 : 1;
                for (var i = 0; i < count; i++)
                {
                    var item = Discover();
                    _basket.Add((item, 1));
                    if (_rng.Chance(0.5))
                    {
                        _regulars.Add(new Regular(item, next.AddDays(Interval(item, 1))));
                        if (_regulars.Count > 3) _regulars.RemoveAt(0);
                    }
                }
                nextPurchase = next.AddDays(_rng.Exponential(discoveryMean));
            }
            if (_basket.Count > 0) Purchase(next, to);
        }
    }

    /// <summary>Days until a product bought now runs out for this person.</summary>
    private double Interval(Item item, int quantity) => item.UsageDays * quantity * _p.CycleFactor * _rng.LogNormal(0, 0.1);

    /// <summary>A new product, in a category drawn from the person's affinities, not one they already use.</summary>
    private Item Discover()
    {
        for (var attempt = 0; ; attempt++)
        {
            var category = (Category)_rng.PickWeighted(_p.Affinity);
            var item = _rng.Pick(_catalogue.ByCategory[category]);
            var taken = _regulars.Exists(r => string.Equals(r.Item.Sku, item.Sku, StringComparison.Ordinal))
                || _basket.Exists(b => string.Equals(b.Item.Sku, item.Sku, StringComparison.Ordinal));
            if (!taken || attempt > 20) return item;
        }
    }

    private Item ViewItem()
    {
        if (_regulars.Count > 0 && _rng.Chance(0.4)) return _rng.Pick(_regulars).Item;
        return _rng.Pick(_catalogue.ByCategory[(Category)_rng.PickWeighted(_p.Affinity)]);
    }

    private Channel PickChannel(DateTime t)
    {
        var w = _p.Preferred switch
        {
            Channel.Web => new[] { 0.72, 0.1, 0.18 },
            Channel.App => [0.15, 0.7, 0.15],
            _ => [0.15, 0.05, 0.8],
        };
        var channel = (Channel)_rng.PickWeighted(w);
        if (channel == Channel.App && !_p.HasAccountAt(t)) channel = Channel.Web;
        if (channel == Channel.Web && !_p.HasAccountAt(t) && _p.Email1 is null) channel = Channel.Store;
        return channel;
    }

    private void Purchase(DateTime due, DateTime to)
    {
        var channel = PickChannel(due);
        var t = channel == Channel.Store
            ? due.Date.AddHours(9 - Times.UtcOffsetHours(_p.Country)).AddSeconds(_rng.Next(0, 10 * 3600))
            : due.Date.AddHours(7).AddSeconds(_rng.Next(0, 16 * 3600));
        if (t >= to || t < _start) t = due;
        if (channel == Channel.Store) StoreTransaction(t);
        else OnlineSession(channel, t, purchase: true);
    }

    private void Browse(DateTime t)
    {
        _basket.Clear();
        var usesApp = _p.Preferred == Channel.App || (_p.HasAccountAt(t) && _p.Index % 4 == 0);
        var channel = usesApp && _rng.Chance(0.6) ? Channel.App : Channel.Web;
        var views = 1 + _rng.Next(2);
        for (var i = 0; i < views; i++) _basket.Add((ViewItem(), 1));
        OnlineSession(channel, t, purchase: false);
    }

    /// <summary>A web or app session; with <paramref name="purchase"/> it ends with an order of the basket, else maybe an abandoned cart.</summary>
    private void OnlineSession(Channel channel, DateTime t, bool purchase)
    {
        var web = channel == Channel.Web;
        var shared = _p.SharedHome && _rng.Chance(0.3);
        string id;
        if (web) id = shared ? _p.SharedCookieId! : CurrentCookie(t);
        else id = shared ? _p.SharedDeviceId! : CurrentDevice(t);
        var session = _rng.Hex(16);

        var account = _p.HasAccountAt(t);
        // Logged in from the start (remembered), at checkout, or never (guest).
        var loggedIn = account && (web ? _rng.Chance(0.35) : _rng.Chance(0.9));
        var loginAtCheckout = purchase && account && !loggedIn && (!web || _rng.Chance(0.85) || _p.Email1 is null);
        var customer = loggedIn ? _p.CustomerNumber : null;

        // A session cut by the end of the data (or by churn) simply stops there: no order.
        if (!Event(web, id, session, ref t, customer, "page_view", web ? "/" : "home")) return;
        Seen(web ? "id.cookie" : "id.device", id);
        Record(web ? "web.sessions" : "app.sessions", session);
        var cart = purchase || _rng.Chance(0.35);
        foreach (var (item, quantity) in _basket)
        {
            // Re-orders often go straight to the cart; new products are looked at first.
            if ((!purchase || _rng.Chance(0.5)) && !Event(web, id, session, ref t, customer, "product_view", web ? "/p/" + item.Sku.ToLowerInvariant() : "product", item)) return;
            if (cart && !Event(web, id, session, ref t, customer, "add_to_cart", web ? "/cart" : "cart", item, quantity)) return;
        }
        if (!purchase) return;
        if (loginAtCheckout)
        {
            if (!Event(web, id, session, ref t, null, "page_view", web ? "/account/login" : "login")) return;
            customer = _p.CustomerNumber;
        }
        var orderId = "ORD-" + _rng.Hex(16).ToUpperInvariant();
        if (!Event(web, id, session, ref t, customer, "checkout", web ? "/checkout/confirmation" : "checkout", orderId: orderId)) return;
        Order(orderId, web ? "web" : "app", t, customer);
    }

    /// <summary>Writes one event a few seconds after the previous one; false (nothing written) past the person's activity.</summary>
    private bool Event(bool web, string id, string session, ref DateTime t, string? customer, string type, string page, Item? item = null, int quantity = 0, string? orderId = null)
    {
        t = t.AddSeconds(5 + _rng.Exponential(40));
        if (t >= _until) return false;
        var j = _json.Begin().Str("event_id", _rng.Hex(16)).Time("ts", t).Str("type", type);
        if (web) j.Str("cookie_id", id);
        else j.Str("device_id", id).Str("platform", _p.Platform);
        j.Str("session_id", session).Str("customer_number", customer).Str(web ? "url" : "screen", page);
        if (item is not null) j.Str("sku", item.Sku).Str("size", item.Size);
        if (quantity > 0) j.Int("quantity", quantity);
        if (orderId is not null) j.Str("order_id", orderId);
        var line = j.End();
        if (web) _files.WebEvents.Write(t, line);
        else _files.AppEvents.Write(line);
        return true;
    }

    private void Order(string orderId, string channel, DateTime t, string? customer)
    {
        string? email = null;
        if (customer is null)
        {
            email = _p.Email2 is not null && _rng.Chance(0.35) ? _p.Email2 : _p.Email1;
            if (_rng.Chance(0.05) && email is not null) email = Identifiers.EmailVariant(email, _rng);
            if (_rng.Chance(0.005)) email = "test@test.com";
        }
        var total = 0m;
        foreach (var (item, quantity) in _basket) total += item.Price * quantity;
        var shipping = total >= 35 ? 0m : 4.90m;
        var status = _rng.Chance(0.03) ? "returned" : _rng.Chance(0.01) ? "cancelled" : "delivered";
        _files.Orders.Write(_json.Begin().Str("order_id", orderId).Str("channel", channel).Time("ordered_at", t)
            .Str("customer_number", customer).Str("email", Seen("id.email", email)).Str("currency", "EUR")
            .Money("total", total + shipping).Money("shipping_fee", shipping)
            .Str("shipping_postcode", _p.Postcode).Str("shipping_city", _p.City.Name).Str("shipping_country", _p.Country)
            .Str("status", status).End());
        var n = 1;
        foreach (var (item, quantity) in _basket)
        {
            _files.OrderLines.Write(_json.Begin().Str("order_id", orderId).Int("line_number", n++).Str("sku", item.Sku)
                .Str("size", item.Size).Int("quantity", quantity).Money("unit_price", item.Price).End());
        }
        Record("eshop.orders", orderId);
    }

    private void StoreTransaction(DateTime t)
    {
        var store = _rng.Chance(0.88) ? _p.HomeStore : _rng.Pick(Geography.Stores);
        var local = t.AddHours(Times.UtcOffsetHours(store.Country));
        var card = _p.LoyaltyEnrolled is { } e && e <= t && _rng.Chance(0.8) ? _p.CardNumber : null;
        var id = $"{store.Id}-{local.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}-{_rng.Hex(10).ToUpperInvariant()}";
        var rate = store.Currency == "GBP" ? 0.86m : 1m;
        var n = 1;
        foreach (var (item, quantity) in _basket)
        {
            _files.Transactions.Row(id, (n++).ToString(CultureInfo.InvariantCulture), store.Id, Times.Local(local), card, item.Sku, item.Size,
                quantity.ToString(CultureInfo.InvariantCulture), (Math.Round(item.Price * rate, 1) - (rate == 1m ? 0m : 0.01m)).ToString("0.00", CultureInfo.InvariantCulture), store.Currency);
        }
        Record("stores.transactions", id);
    }

    /// <summary>The person's own browser cookie: cleared now and then, so a person shows several cookies over time.</summary>
    private string CurrentCookie(DateTime t)
    {
        if (t >= _cookieUntil)
        {
            _cookie = _rng.Uuid();
            _cookieUntil = t.AddDays(_rng.Exponential(240));
        }
        return _cookie;
    }

    /// <summary>The person's phone's app installation id: a new one with a new phone.</summary>
    private string CurrentDevice(DateTime t)
    {
        if (t >= _deviceUntil)
        {
            _device = _p.Platform == "ios" ? _rng.Uuid().ToUpperInvariant() : _rng.Hex(16);
            _deviceUntil = t.AddDays(_rng.Exponential(600));
        }
        return _device;
    }
}
