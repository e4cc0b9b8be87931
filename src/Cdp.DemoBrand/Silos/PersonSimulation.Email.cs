using Cdp.DemoBrand.Output;

namespace Cdp.DemoBrand.Silos;

/// <summary>The e-mail platform's log: sends while consent holds, opens and clicks while the person is alive.</summary>
internal sealed partial class PersonSimulation
{
    private void WriteEmail(EmailConsent consent)
    {
        if (_p.Email1 is null) return;
        // The address the platform knows: the primary one, or for some the second address they subscribed with.
        var address = _p.Email2 is not null && _rng.Chance(0.4) ? _p.Email2 : _p.Email1;
        foreach (var (id, at, theme) in Campaigns)
        {
            if (at < _p.Signup || !consent.Allows(at)) continue;
            if (!_rng.Chance(0.25 + 0.5 * _p.Affinity[(int)theme])) continue;
            var sent = at.AddSeconds(_rng.Next(0, 3 * 3600));
            Engagement("send", address, id, sent);
            var alive = _p.IsAlive(sent);
            if (alive && _rng.Chance(_p.EmailOpenRate))
            {
                var opened = sent.AddHours(_rng.Exponential(8));
                if (opened < _end && _p.IsAlive(opened))
                {
                    Engagement("open", address, id, opened);
                    if (_rng.Chance(0.25)) Engagement("click", address, id, opened.AddSeconds(5 + _rng.Exponential(120)));
                }
            }
            // Now and then a reader unsubscribes; the platform records it and the consent changes. Churned people do nothing.
            if (alive && _rng.Chance(0.008))
            {
                var gone = sent.AddHours(_rng.Uniform(1, 72));
                if (gone >= _end || !_p.IsAlive(gone)) continue;
                Engagement("unsubscribe", address, id, gone);
                _files.Consents.Row("email", address, "email", "marketing", "denied", Times.Iso(gone), "email_unsubscribe");
                consent.Until = gone;
            }
        }
    }

    private void Engagement(string type, string address, string campaign, DateTime t)
    {
        if (t >= _end) return;
        _files.Engagement.Write(_json.Begin().Str("type", type).Str("email", Seen("id.email", address)).Str("campaign_id", campaign).Time("ts", t).End());
    }
}
