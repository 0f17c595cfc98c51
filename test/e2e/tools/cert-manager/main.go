// The cert-manager controller, built from the published root module
// github.com/cert-manager/cert-manager. Upstream's own entry point
// (cmd/controller) is a nested module the Go module proxy does not serve, so
// this file does what its app.Run does, minus leader election, pprof and
// metrics TLS: build the controller ContextFactory, construct the enabled
// controllers from controller.Known(), start the shared informer factories,
// run until SIGTERM/SIGINT.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/sets"
	logsapi "k8s.io/component-base/logs/api/v1"

	cm "github.com/cert-manager/cert-manager/pkg/apis/certmanager"
	"github.com/cert-manager/cert-manager/pkg/controller"
	dnsutil "github.com/cert-manager/cert-manager/pkg/issuer/acme/dns/util"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	"github.com/cert-manager/cert-manager/pkg/util"
	utilfeature "github.com/cert-manager/cert-manager/pkg/util/feature"

	// Controllers register themselves with controller.Known() in init().
	_ "github.com/cert-manager/cert-manager/pkg/controller/acmechallenges"
	_ "github.com/cert-manager/cert-manager/pkg/controller/acmeorders"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificate-shim/ingresses"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/acme"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/metrics"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	_ "github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	_ "github.com/cert-manager/cert-manager/pkg/controller/issuers"

	// Issuer types register themselves with the issuer factory in init(), as
	// upstream's cmd/controller imports them.
	_ "github.com/cert-manager/cert-manager/pkg/issuer/acme"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/vault"
)

// defaultControllers is what "*" in --controllers means here: upstream's
// default set without the Vault and Venafi CertificateRequest issuers.
var defaultControllers = []string{
	"issuers",
	"clusterissuers",
	"certificates-trigger",
	"certificates-issuing",
	"certificates-key-manager",
	"certificates-request-manager",
	"certificates-readiness",
	"certificates-revision-manager",
	"certificates-metrics",
	"certificaterequests-issuer-selfsigned",
	"certificaterequests-issuer-ca",
	"certificaterequests-issuer-acme",
	"certificaterequests-approver",
	"orders",
	"challenges",
	"ingress-shim",
}

// Controllers that watch cluster-scoped resources: skipped when --namespace scopes the controller.
var clusterScopedControllers = sets.New("clusterissuers")

type options struct {
	kubeconfig               string
	master                   string
	namespace                string
	clusterResourceNamespace string
	controllers              []string
	workers                  int
	qps                      float32
	burst                    int
	metricsListenAddress     string
	healthzListenAddress     string

	clusterIssuerAmbientCredentials bool
	issuerAmbientCredentials        bool
	enableCertificateOwnerRef       bool
	copiedAnnotationPrefixes        []string

	defaultIssuerName   string
	defaultIssuerKind   string
	defaultIssuerGroup  string
	autoCertAnnotations []string

	acmeSolverImage              string
	acmeSolverRequestCPU         string
	acmeSolverRequestMemory      string
	acmeSolverLimitsCPU          string
	acmeSolverLimitsMemory       string
	acmeSolverRunAsNonRoot       bool
	dns01RecursiveNameservers    []string
	dns01RecursiveNameserverOnly bool
	dns01CheckRetryPeriod        time.Duration
	maxConcurrentChallenges      int

	version bool
	logging *logsapi.LoggingConfiguration
}

func main() {
	logf.InitLogs()
	defer logf.FlushLogs()
	if err := run(os.Args[1:]); err != nil {
		logf.Log.Error(err, "cert-manager controller failed")
		logf.FlushLogs()
		os.Exit(1)
	}
}

func run(args []string) error {
	o := &options{logging: logsapi.NewLoggingConfiguration()}
	o.logging.Verbosity = 2 // the Helm chart's default (--v=2): cert-manager logs its work at InfoLevel 2

	fs := pflag.NewFlagSet("cert-manager-controller", pflag.ContinueOnError)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "Path to a kubeconfig; in-cluster config when empty.")
	fs.StringVar(&o.master, "master", "", "Address of the Kubernetes API server (overrides the kubeconfig's).")
	fs.StringVar(&o.namespace, "namespace", "", "Namespace to watch; all namespaces when empty.")
	fs.StringVar(&o.clusterResourceNamespace, "cluster-resource-namespace", "cert-manager", "Namespace holding the Secrets of ClusterIssuers.")
	fs.StringSliceVar(&o.controllers, "controllers", []string{"*"}, fmt.Sprintf(
		"Controllers to run: '*' is the default set, 'name' enables one more, '-name' disables one. Default set: %s. Registered: %s.",
		strings.Join(defaultControllers, ","), strings.Join(knownNames(), ",")))
	fs.IntVar(&o.workers, "concurrent-workers", 5, "Workers per controller.")
	fs.Float32Var(&o.qps, "kube-api-qps", 20, "Client-side QPS to the API server (unused when the server does API Priority and Fairness).")
	fs.IntVar(&o.burst, "kube-api-burst", 50, "Client-side burst to the API server.")
	fs.StringVar(&o.metricsListenAddress, "metrics-listen-address", "127.0.0.1:9402", "host:port of the Prometheus /metrics server; empty disables it.")
	fs.StringVar(&o.healthzListenAddress, "healthz-listen-address", "127.0.0.1:9403", "host:port of the /healthz and /livez server (200 once the controllers run).")
	fs.BoolVar(&o.clusterIssuerAmbientCredentials, "cluster-issuer-ambient-credentials", true, "ClusterIssuers may use ambient credentials.")
	fs.BoolVar(&o.issuerAmbientCredentials, "issuer-ambient-credentials", false, "Issuers may use ambient credentials.")
	fs.BoolVar(&o.enableCertificateOwnerRef, "enable-certificate-owner-ref", false, "Make Certificates owners of their Secrets.")
	fs.StringSliceVar(&o.copiedAnnotationPrefixes, "copied-annotation-prefixes", []string{"*", "-kubectl.kubernetes.io/", "-fluxcd.io/", "-argocd.argoproj.io/"}, "Annotations copied Certificate -> CertificateRequest -> Order.")
	fs.StringVar(&o.defaultIssuerName, "default-issuer-name", "", "ingress-shim: issuer for Ingresses annotated with an auto-certificate annotation only.")
	fs.StringVar(&o.defaultIssuerKind, "default-issuer-kind", "Issuer", "ingress-shim: kind of that issuer.")
	fs.StringVar(&o.defaultIssuerGroup, "default-issuer-group", cm.GroupName, "ingress-shim: API group of that issuer.")
	fs.StringSliceVar(&o.autoCertAnnotations, "auto-certificate-annotations", []string{"kubernetes.io/tls-acme"}, "ingress-shim: annotations that ask for the default issuer.")
	fs.StringVar(&o.acmeSolverImage, "acme-http01-solver-image", "quay.io/jetstack/cert-manager-acmesolver:"+util.AppVersion, "Image of the ACME HTTP-01 solver Pods.")
	fs.StringVar(&o.acmeSolverRequestCPU, "acme-http01-solver-resource-request-cpu", "10m", "")
	fs.StringVar(&o.acmeSolverRequestMemory, "acme-http01-solver-resource-request-memory", "64Mi", "")
	fs.StringVar(&o.acmeSolverLimitsCPU, "acme-http01-solver-resource-limits-cpu", "100m", "")
	fs.StringVar(&o.acmeSolverLimitsMemory, "acme-http01-solver-resource-limits-memory", "64Mi", "")
	fs.BoolVar(&o.acmeSolverRunAsNonRoot, "acme-http01-solver-run-as-non-root", true, "")
	fs.StringSliceVar(&o.dns01RecursiveNameservers, "dns01-recursive-nameservers", nil, "host:port nameservers for DNS-01 self-checks; /etc/resolv.conf's when empty.")
	fs.BoolVar(&o.dns01RecursiveNameserverOnly, "dns01-recursive-nameservers-only", false, "Check DNS-01 propagation only against the recursive nameservers.")
	fs.DurationVar(&o.dns01CheckRetryPeriod, "dns01-check-retry-period", 10*time.Second, "")
	fs.IntVar(&o.maxConcurrentChallenges, "max-concurrent-challenges", 60, "")
	fs.BoolVar(&o.version, "version", false, "Print the version and exit.")
	utilfeature.DefaultMutableFeatureGate.AddFlag(fs)
	logf.AddFlagsNonDeprecated(o.logging, fs)

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.version {
		fmt.Printf("cert-manager %s\n", util.AppVersion)
		return nil
	}
	if err := logf.ValidateAndApply(o.logging); err != nil {
		return fmt.Errorf("logging flags: %w", err)
	}

	enabled, err := enabledControllers(o)
	if err != nil {
		return err
	}

	rootCtx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	rootCtx = logf.NewContext(rootCtx, logf.Log, "controller")
	log := logf.FromContext(rootCtx)
	log.Info("starting cert-manager controller", "version", util.AppVersion, "git-commit", util.AppGitCommit)
	log.Info(fmt.Sprintf("enabled controllers: %s", sets.List(enabled)))

	// Health server first, so a probe sees "starting" rather than a refused connection.
	var ready atomic.Bool
	var servers []*http.Server
	if o.healthzListenAddress != "" {
		ln, err := net.Listen("tcp", o.healthzListenAddress)
		if err != nil {
			return fmt.Errorf("listen on healthz address %s: %w", o.healthzListenAddress, err)
		}
		mux := http.NewServeMux()
		health := func(w http.ResponseWriter, _ *http.Request) {
			if !ready.Load() {
				http.Error(w, "starting", http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte("ok"))
		}
		mux.HandleFunc("/healthz", health)
		mux.HandleFunc("/livez", health)
		mux.HandleFunc("/readyz", health)
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 32 * time.Second}
		servers = append(servers, srv)
		go serve(log.WithName("healthz"), srv, ln)
		log.Info("healthz server listening", "address", ln.Addr().String())
	}

	ctxFactory, err := buildContextFactory(rootCtx, o)
	if err != nil {
		return err
	}
	// The base Context holds the shared informer factories every controller registers its informers with.
	ctx, err := ctxFactory.Build()
	if err != nil {
		return err
	}

	if o.metricsListenAddress != "" {
		ln, err := net.Listen("tcp", o.metricsListenAddress)
		if err != nil {
			return fmt.Errorf("listen on metrics address %s: %w", o.metricsListenAddress, err)
		}
		srv := ctx.Metrics.NewServer(ln)
		servers = append(servers, srv)
		go serve(log.WithName("metrics"), srv, ln)
		log.Info("metrics server listening", "address", ln.Addr().String())
	}

	runCtx, cancel := context.WithCancel(rootCtx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(enabled))
	for _, n := range sortedKnown() {
		if !enabled.Has(n) {
			log.V(logf.DebugLevel).Info("skipping disabled controller", "controller", n)
			continue
		}
		iface, err := controller.Known()[n](ctxFactory)
		if err != nil {
			cancel()
			wg.Wait()
			return fmt.Errorf("constructing controller %s: %w", n, err)
		}
		wg.Add(1)
		go func(n string, iface controller.Interface) {
			defer wg.Done()
			log.V(logf.InfoLevel).Info("starting controller", "controller", n)
			if err := iface.Run(o.workers, runCtx); err != nil {
				errs <- fmt.Errorf("controller %s: %w", n, err)
				cancel()
			}
		}(n, iface)
	}

	log.V(logf.DebugLevel).Info("starting shared informer factories")
	ctx.SharedInformerFactory.Start(runCtx.Done())
	ctx.KubeSharedInformerFactory.Start(runCtx.Done())
	ctx.HTTP01ResourceMetadataInformersFactory.Start(runCtx.Done())
	if ctx.GatewaySolverEnabled {
		ctx.GWShared.Start(runCtx.Done())
	}

	go func() {
		ctx.SharedInformerFactory.WaitForCacheSync(runCtx.Done())
		ctx.KubeSharedInformerFactory.WaitForCacheSync(runCtx.Done())
		ctx.HTTP01ResourceMetadataInformersFactory.WaitForCacheSync(runCtx.Done())
		if runCtx.Err() == nil {
			ready.Store(true)
			log.Info("informer caches synced; controllers running")
		}
	}()

	<-runCtx.Done()
	log.Info("shutting down")
	wg.Wait()
	ready.Store(false)
	if ctx.GatewaySolverEnabled {
		ctx.GWShared.Shutdown()
	}
	ctx.HTTP01ResourceMetadataInformersFactory.Shutdown()
	ctx.KubeSharedInformerFactory.Shutdown()
	ctx.SharedInformerFactory.Shutdown()
	shutdownCtx, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	for _, srv := range servers {
		_ = srv.Shutdown(shutdownCtx)
	}
	log.Info("control loops exited")

	close(errs)
	var failures []error
	for err := range errs {
		failures = append(failures, err)
	}
	return errors.Join(failures...)
}

func serve(log logr.Logger, srv *http.Server, ln net.Listener) {
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error(err, "server stopped", "address", ln.Addr().String())
	}
}

func buildContextFactory(ctx context.Context, o *options) (*controller.ContextFactory, error) {
	nameservers := o.dns01RecursiveNameservers
	if len(nameservers) == 0 {
		nameservers = dnsutil.RecursiveNameservers
	}
	quantity := func(flag, v string) (resource.Quantity, error) {
		q, err := resource.ParseQuantity(v)
		if err != nil {
			return q, fmt.Errorf("--%s: %w", flag, err)
		}
		return q, nil
	}
	reqCPU, err := quantity("acme-http01-solver-resource-request-cpu", o.acmeSolverRequestCPU)
	if err != nil {
		return nil, err
	}
	reqMem, err := quantity("acme-http01-solver-resource-request-memory", o.acmeSolverRequestMemory)
	if err != nil {
		return nil, err
	}
	limCPU, err := quantity("acme-http01-solver-resource-limits-cpu", o.acmeSolverLimitsCPU)
	if err != nil {
		return nil, err
	}
	limMem, err := quantity("acme-http01-solver-resource-limits-memory", o.acmeSolverLimitsMemory)
	if err != nil {
		return nil, err
	}

	return controller.NewContextFactory(ctx, controller.ContextOptions{
		APIServerHost:      o.master,
		Kubeconfig:         o.kubeconfig,
		KubernetesAPIQPS:   o.qps,
		KubernetesAPIBurst: o.burst,
		Namespace:          o.namespace,
		IssuerOptions: controller.IssuerOptions{
			ClusterResourceNamespace:        o.clusterResourceNamespace,
			ClusterIssuerAmbientCredentials: o.clusterIssuerAmbientCredentials,
			IssuerAmbientCredentials:        o.issuerAmbientCredentials,
		},
		ACMEOptions: controller.ACMEOptions{
			HTTP01SolverImage:                 o.acmeSolverImage,
			HTTP01SolverResourceRequestCPU:    reqCPU,
			HTTP01SolverResourceRequestMemory: reqMem,
			HTTP01SolverResourceLimitsCPU:     limCPU,
			HTTP01SolverResourceLimitsMemory:  limMem,
			ACMEHTTP01SolverRunAsNonRoot:      o.acmeSolverRunAsNonRoot,
			DNS01CheckAuthoritative:           !o.dns01RecursiveNameserverOnly,
			DNS01Nameservers:                  nameservers,
			DNS01CheckRetryPeriod:             o.dns01CheckRetryPeriod,
		},
		IngressShimOptions: controller.IngressShimOptions{
			DefaultIssuerName:                 o.defaultIssuerName,
			DefaultIssuerKind:                 o.defaultIssuerKind,
			DefaultIssuerGroup:                o.defaultIssuerGroup,
			DefaultAutoCertificateAnnotations: o.autoCertAnnotations,
			ExtraCertificateAnnotations:       []string{},
		},
		CertificateOptions: controller.CertificateOptions{
			EnableOwnerRef:                           o.enableCertificateOwnerRef,
			CopiedAnnotationPrefixes:                 o.copiedAnnotationPrefixes,
			CertificateRequestMinimumBackoffDuration: time.Hour,
			CertificateRequestMaximumBackoffDuration: 32 * time.Hour,
		},
		SchedulerOptions: controller.SchedulerOptions{MaxConcurrentChallenges: o.maxConcurrentChallenges},
	})
}

// enabledControllers reads --controllers the way upstream does: "*" is the
// default set, "-name" disables, anything else enables; only disables implies "*".
func enabledControllers(o *options) (sets.Set[string], error) {
	enabled := sets.New[string]()
	var disabled []string
	for _, c := range o.controllers {
		c = strings.TrimSpace(c)
		switch {
		case c == "":
		case c == "*":
			enabled.Insert(defaultControllers...)
		case strings.HasPrefix(c, "-"):
			disabled = append(disabled, strings.TrimPrefix(c, "-"))
		default:
			enabled.Insert(c)
		}
	}
	if len(disabled) > 0 && enabled.Len() == 0 {
		enabled.Insert(defaultControllers...)
	}
	enabled.Delete(disabled...)
	if o.namespace != "" {
		enabled = enabled.Difference(clusterScopedControllers)
	}
	known := sets.New(knownNames()...)
	if unknown := enabled.Difference(known); unknown.Len() > 0 {
		return nil, fmt.Errorf("--controllers: unknown controller(s) %s; registered: %s", strings.Join(sets.List(unknown), ","), strings.Join(sets.List(known), ","))
	}
	return enabled, nil
}

func knownNames() []string { return sortedKnown() }

func sortedKnown() []string {
	names := make([]string, 0, len(controller.Known()))
	for n := range controller.Known() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
