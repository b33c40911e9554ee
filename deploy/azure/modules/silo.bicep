// One silo: a Container App with exactly one replica, its silo, gateway and bulk ports exposed on the
// environment's static IP (see main.bicep for why), configured from OP_* variables and secrets.

param name string
param location string
param environmentId string
param image string

@description('Registry login server and a user-assigned identity with AcrPull on it; both empty for an image that needs no credentials.')
param registryServer string
param registryIdentityId string

@secure()
param credentialPem string

param clusterId string
param serviceId string

@description('The IP this silo gives to other silos and clients: the environment\'s static IP.')
param address string

@description('The ports this silo listens on and advertises; each is exposed on the environment\'s IP as the same number, which must be unique in the environment.')
param siloPort int
param gatewayPort int
param bulkPort int

param engines int
param cpu string
param memory string
param storageAccountName string

@allowed([
  'memory'
  'postgres'
  'none'
])
param taskStore string
param postgresHost string
param postgresDatabase string
param postgresUser string

@secure()
param postgresPassword string

// Plain HTTP for the probes alone: reached by the platform inside the replica, never exposed.
var healthPort = 8080

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

var usePostgres = taskStore == 'postgres'

// Secrets hold every credential; the container sees them as environment variables (secretRef).
var secrets = concat(
  [
    {
      name: 'credential-pem'
      value: credentialPem
    }
    {
      name: 'clustering-connection'
      value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
    }
  ],
  usePostgres
    ? [
        {
          name: 'task-store-connection'
          value: 'Host=${postgresHost};Database=${postgresDatabase};Username=${postgresUser};Password=${postgresPassword};SSL Mode=Require'
        }
      ]
    : []
)

var settings = concat(
  [
    {
      name: 'OP_CLUSTERID'
      value: clusterId
    }
    {
      name: 'OP_SERVICEID'
      value: serviceId
    }
    {
      name: 'OP_CLUSTERING'
      value: 'azure'
    }
    {
      name: 'OP_CLUSTERINGCONNECTION'
      secretRef: 'clustering-connection'
    }
    {
      name: 'OP_CREDENTIALPEM'
      secretRef: 'credential-pem'
    }
    {
      name: 'OP_ADDRESS'
      value: address
    }
    {
      name: 'OP_SILOPORT'
      value: string(siloPort)
    }
    {
      name: 'OP_GATEWAYPORT'
      value: string(gatewayPort)
    }
    {
      name: 'OP_BULKPORT'
      value: string(bulkPort)
    }
    {
      name: 'OP_HEALTHPORT'
      value: string(healthPort)
    }
    {
      name: 'OP_LOGFORMAT'
      value: 'json'
    }
    {
      name: 'OP_TASKSTORE'
      value: taskStore
    }
  ],
  engines > 0
    ? [
        {
          name: 'OP_ENGINES'
          value: string(engines)
        }
      ]
    : [],
  usePostgres
    ? [
        {
          name: 'OP_TASKSTORECONNECTION'
          secretRef: 'task-store-connection'
        }
      ]
    : []
)

resource app 'Microsoft.App/containerApps@2026-01-01' = {
  name: name
  location: location
  identity: empty(registryIdentityId)
    ? null
    : {
        type: 'UserAssigned'
        userAssignedIdentities: {
          '${registryIdentityId}': {}
        }
      }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      // An update starts a new revision whose replica takes over these ports; Orleans sees the same
      // address with a newer generation and retires the old silo.
      activeRevisionsMode: 'Single'
      secrets: secrets
      registries: empty(registryServer)
        ? []
        : [
            {
              server: registryServer
              identity: registryIdentityId
            }
          ]
      // TCP passes through untouched, so the silo's own mutual TLS runs end to end. "External" is
      // the environment's IP: public or private by the environment, not by this flag.
      ingress: {
        external: true
        transport: 'tcp'
        targetPort: gatewayPort
        exposedPort: gatewayPort
        additionalPortMappings: [
          {
            external: true
            targetPort: siloPort
            exposedPort: siloPort
          }
          {
            external: true
            targetPort: bulkPort
            exposedPort: bulkPort
          }
        ]
      }
    }
    template: {
      // Time to stop the engines and leave the membership table on SIGTERM.
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'silo'
          image: image
          // The IP advertised (OP_ADDRESS) is the environment's, not the replica's, so listen on every
          // interface. An argument, not OP_LISTENANY: the silo command's --listen-any takes no default
          // from the environment (unlike its other options).
          args: [
            '--listen-any'
          ]
          env: settings
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          // All on /healthz (alive). Not /readyz: a silo becomes ready only once it is an active member,
          // and it must be reachable by its peers through the ingress while it joins; with one replica,
          // readiness would only cut it off from them.
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: healthPort
              }
              periodSeconds: 2
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: healthPort
              }
              periodSeconds: 10
              failureThreshold: 3
              timeoutSeconds: 8
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/healthz'
                port: healthPort
              }
              periodSeconds: 5
              failureThreshold: 3
              timeoutSeconds: 8
            }
          ]
        }
      ]
      // Exactly one: a second replica would share this app's ports and address with the first.
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output name string = app.name
