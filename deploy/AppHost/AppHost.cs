using Orleans.Parallel.AppHost;

// Redis (the membership table), two silos that find each other in it, and the sample client, which
// runs once the silos are ready. `dotnet run --project deploy/AppHost` prints the dashboard's URL.
var builder = DistributedApplication.CreateBuilder(args);

// Every connection in the cluster is mutual TLS with this credential: the one configured as
// Parameters:credential (user secrets, or the variable Parameters__credential), else a new one each run.
const string ClusterId = "aspire";
var credential = builder.AddParameter("credential", ClusterCredentials.Configured(builder.Configuration) ?? ClusterCredentials.Generate(ClusterId), secret: true);

var redis = builder.AddRedisServer("redis");
var orleans = builder.AddOrleans("cluster")
    .WithClusterId(ClusterId)
    .WithServiceId(ClusterId)
    .WithClustering(new RedisClustering(redis));

// Each silo: its silo and gateway ports from Aspire.Hosting.Orleans (Orleans__Endpoints__*), its
// health port from its own endpoint, ready (and waited for) when /readyz says it is in the cluster.
IResourceBuilder<ProjectResource> Silo(string name) => builder.AddProject<Projects.Orleans_Parallel_Silo>(name)
    .WithReference(orleans)
    .WithEnvironment("OP_ENGINES", "2")
    .WithEnvironment("OP_CREDENTIALPEM", credential)
    .WithHttpEndpoint(name: "health", env: "OP_HEALTHPORT")
    .WithHttpHealthCheck("/readyz", endpointName: "health")
    .WaitFor(redis);

var silo1 = Silo("silo1");
var silo2 = Silo("silo2");

builder.AddProject<Projects.Orleans_Parallel_SampleClient>("sample-client")
    .WithReference(orleans.AsClient())
    .WithEnvironment("OP_CREDENTIALPEM", credential)
    .WithEnvironment("SAMPLE_ENGINES", "4") // both silos' engines
    .WaitFor(silo1)
    .WaitFor(silo2);

builder.Build().Run();
