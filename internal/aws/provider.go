// Package aws gives controllers AWS clients per account, ownership tags and error
// classification. Credentials and the endpoint come from the SDK's standard
// configuration (environment, shared config, IRSA, EKS Pod Identity, and
// AWS_ENDPOINT_URL for the local AWS), so one binary runs against AWS or awslocal.
package aws

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Target is an account the operator acts in, and how it gets there.
type Target struct {
	// AccountID the credentials must resolve to.
	AccountID string
	// RoleARN, when set, is assumed (with ExternalID) to reach the account.
	RoleARN    string
	ExternalID string
}

// Clients are the service clients for one account.
type Clients struct {
	IAM       *iam.Client
	STS       *sts.Client
	Budgets   *budgets.Client
	AccountID string
	// Partition of the account ("aws", "aws-cn", "aws-us-gov"), from the caller ARN.
	Partition string
	// CallerARN is who the operator acts as in this account.
	CallerARN string

	// snap is the account's shared snapshot (nil for clients made without a Provider).
	snap *snapshotView
}

// ProviderOptions tune the clients. Zero values get production defaults.
type ProviderOptions struct {
	// Base replaces the SDK's default configuration (tests build one for awslocal).
	Base *awssdk.Config
	// MaxAttempts per call, throttling and 5xx included (default 4). Past that the
	// reconcile fails and goes back to the controller's queue with backoff, so a
	// worker is never held long by one failing call and other objects proceed.
	MaxAttempts int
	// MaxBackoff between attempts (default 500ms). Short on purpose: the account's
	// pacer slows the operator down under throttling, so a retry only has to ride
	// out a transient error, and a worker does not sleep for seconds in backoff.
	MaxBackoff time.Duration
	// IdentityTTL is how long a verified caller identity is trusted before
	// GetCallerIdentity is asked again (default 15m).
	IdentityTTL time.Duration
	// SessionName for AssumeRole sessions (default iam-baseline-operator).
	SessionName string
	// SnapshotTTL is how long an account snapshot is used before the account is read
	// again (default 5m; the controllers set it to half their resync period, so every
	// resync plans from a read made after the previous one).
	SnapshotTTL time.Duration
	// DisableSnapshot makes every observation read its object directly. For one-shot
	// readers of a few objects (the plan command): the snapshot pays off over
	// resyncs of many objects, and needs three more read permissions.
	DisableSnapshot bool
}

// Provider hands out cached clients per account. Safe for concurrent use.
type Provider struct {
	base awssdk.Config
	opts ProviderOptions

	mu        sync.Mutex
	cache     map[Target]*cachedClients
	pacers    map[string]*accountPacer // by account ID, shared by every client of the account
	snapshots map[Target]*accountSnapshot
	// snapshotTTL is opts.SnapshotTTL, changeable at run time (SetSnapshotTTL).
	snapshotTTL atomic.Int64
}

type cachedClients struct {
	clients    *Clients
	verifiedAt time.Time
}

// NewProvider loads the SDK's default configuration unless opts.Base is set.
func NewProvider(ctx context.Context, opts ProviderOptions) (*Provider, error) {
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = 4
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 500 * time.Millisecond
	}
	if opts.IdentityTTL == 0 {
		opts.IdentityTTL = 15 * time.Minute
	}
	if opts.SessionName == "" {
		opts.SessionName = "iam-baseline-operator"
	}
	var base awssdk.Config
	if opts.Base != nil {
		base = opts.Base.Copy()
	} else {
		var err error
		base, err = config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("loading the AWS SDK configuration: %w", err)
		}
	}
	// IAM and Budgets are global services served from us-east-1.
	if base.Region == "" {
		base.Region = "us-east-1"
	}
	base.Retryer = retryer(opts, nil)
	base.APIOptions = append(base.APIOptions, countCalls)
	if opts.SnapshotTTL == 0 {
		opts.SnapshotTTL = 5 * time.Minute
	}
	p := &Provider{base: base, opts: opts, cache: map[Target]*cachedClients{}, pacers: map[string]*accountPacer{},
		snapshots: map[Target]*accountSnapshot{}}
	p.snapshotTTL.Store(int64(opts.SnapshotTTL))
	return p, nil
}

// WrongAccountError: the credentials resolve to another account than the spec names.
// Nothing is touched in that account.
type WrongAccountError struct{ Want, Got, CallerARN string }

func (e *WrongAccountError) Error() string {
	return fmt.Sprintf("the operator's credentials resolve to account %s (%s), not %s: fix spec.accountID or spec.access.roleARN", e.Got, e.CallerARN, e.Want)
}

// For returns clients for t, verifying with GetCallerIdentity that they act in
// t.AccountID. Verified clients are cached; AssumeRole credentials are cached and
// refreshed by the SDK before they expire.
func (p *Provider) For(ctx context.Context, t Target) (*Clients, error) {
	p.mu.Lock()
	if c, ok := p.cache[t]; ok && time.Since(c.verifiedAt) < p.opts.IdentityTTL {
		p.mu.Unlock()
		return c.clients, nil
	}
	p.mu.Unlock()

	cfg := p.base.Copy()
	// Every client for this account, whichever controller asks, shares one pacer.
	pacer := p.pacer(t.AccountID)
	cfg.APIOptions = append(slices.Clone(p.base.APIOptions), pacer.middleware)
	cfg.Retryer = retryer(p.opts, pacer.randomThrottling)
	if t.RoleARN != "" {
		assumer := sts.NewFromConfig(p.base)
		cfg.Credentials = awssdk.NewCredentialsCache(stscreds.NewAssumeRoleProvider(assumer, t.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = p.opts.SessionName
			if t.ExternalID != "" {
				o.ExternalID = awssdk.String(t.ExternalID)
			}
		}))
	}
	snap := p.snapshotFor(t)
	iamClient := iam.NewFromConfig(cfg, func(o *iam.Options) {
		o.APIOptions = append(slices.Clone(o.APIOptions), snap.writeTracker)
	})
	c := &Clients{
		IAM:     iamClient,
		STS:     sts.NewFromConfig(cfg),
		Budgets: budgets.NewFromConfig(cfg),
	}
	if !p.opts.DisableSnapshot {
		c.snap = &snapshotView{cache: snap, iam: iamClient}
	}
	id, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("checking the credentials for account %s: %w", t.AccountID, err)
	}
	c.AccountID = awssdk.ToString(id.Account)
	c.CallerARN = awssdk.ToString(id.Arn)
	c.Partition = partitionOf(c.CallerARN)
	if c.AccountID != t.AccountID {
		return nil, &WrongAccountError{Want: t.AccountID, Got: c.AccountID, CallerARN: c.CallerARN}
	}
	p.mu.Lock()
	p.cache[t] = &cachedClients{clients: c, verifiedAt: time.Now()}
	p.mu.Unlock()
	return c, nil
}

// pacer is the account's pacer, made on first use.
func (p *Provider) pacer(accountID string) *accountPacer {
	p.mu.Lock()
	defer p.mu.Unlock()
	pc, ok := p.pacers[accountID]
	if !ok {
		pc = newAccountPacer(accountID)
		p.pacers[accountID] = pc
	}
	return pc
}

// SetSnapshotTTL changes how long account snapshots are used (see SnapshotTTL).
func (p *Provider) SetSnapshotTTL(d time.Duration) {
	if d > 0 {
		p.snapshotTTL.Store(int64(d))
	}
}

// snapshotFor is the snapshot cache of an account; it outlives re-verified clients.
func (p *Provider) snapshotFor(t Target) *accountSnapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, ok := p.snapshots[t]
	if !ok {
		a = &accountSnapshot{ttl: func() time.Duration { return time.Duration(p.snapshotTTL.Load()) }}
		p.snapshots[t] = a
	}
	return a
}

// Snapshot returns the account's current snapshot, reading it when it is older than
// the TTL (for benchmarks and tests that count its calls).
func (c *Clients) Snapshot(ctx context.Context) (*Snapshot, error) {
	if c.snap == nil {
		return ReadSnapshot(ctx, c.IAM)
	}
	return c.snap.cache.current(ctx, c.IAM)
}

// InvalidateSnapshot drops the account's snapshot: the next observation reads the
// account again.
func (c *Clients) InvalidateSnapshot() {
	if c.snap != nil {
		c.snap.cache.invalidate()
	}
}

// partitionOf reads the partition from an ARN (arn:<partition>:...).
func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 2 || parts[1] == "" {
		return "aws"
	}
	return parts[1]
}

// retryer is the SDK's standard retryer with the project's backoff; randomThrottling
// is the account pacer's verdict on its throttling (nil outside an account).
func retryer(opts ProviderOptions, randomThrottling func() bool) func() awssdk.Retryer {
	return func() awssdk.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = opts.MaxAttempts
			o.MaxBackoff = opts.MaxBackoff
			b := newRetryBackoff(opts.MaxBackoff)
			b.randomThrottling = randomThrottling
			o.Backoff = b
			// The client-side retry quota would turn a burst of throttling across
			// many objects into hard failures; the controllers' own requeue with
			// backoff already bounds the load.
			o.RateLimiter = ratelimit.None
		})
	}
}
