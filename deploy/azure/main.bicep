// An Orleans.Parallel cluster on Azure Container Apps: a storage account (Azure Table clustering and
// grain storage), a VNet-integrated Container Apps environment, one Container App per silo, and
// optionally PostgreSQL Flexible Server for the task store.
//
// Why one app per silo, each with exactly one replica: Orleans needs every silo at an address and port
// that every other silo and every client can dial, and Container Apps gives the replicas of one app no
// documented address of their own. What it does give is the environment's static IP and TCP ports
// exposed on it, unique in the environment (external TCP ingress, which needs a custom VNet). So silo i
// listens on, and advertises, <static IP>:11111+i (silo), :30000+i (gateway) and :30100+i (bulk), and
// the environment routes each port to its one replica. This is the topology of the Orleans project's own
// Container Apps sample. To scale, change `silos` and deploy again: that adds or removes whole silo apps.
//
// Deploy: az deployment group create -g <group> -p deploy/azure/main.bicepparam (see README, "Deploying").

@description('Prefix of every resource name: lowercase letters, digits and hyphens.')
@minLength(3)
@maxLength(20)
param name string = 'orleans-parallel'

@description('Region of every resource.')
param location string = resourceGroup().location

@description('The silo image, built from deploy/Dockerfile and pushed to a registry (e.g. myacr.azurecr.io/orleans-parallel-silo:1).')
param image string

@description('An Azure Container Registry in this resource group to pull the image from with a managed identity (it is given AcrPull). Empty: the image is public, or its registry needs no credentials.')
param acrName string = ''

@description('The cluster credential: the PEM text of `Orleans.Parallel.Silo credential new`. Kept as a Container Apps secret; every port is mutual TLS with it.')
@secure()
param credentialPem string

@description('Orleans cluster id; clients give the same.')
param clusterId string = 'prod'

@description('Orleans service id; clients give the same.')
param serviceId string = 'prod'

@description('Silos, each its own Container App with one replica. More silos: deploy again with a larger number.')
@minValue(1)
@maxValue(50)
param silos int = 2

@description('Engines per silo; 0: one per vCPU of the silo (`cpu`).')
@minValue(0)
param engines int = 0

@description('vCPUs of each silo (Consumption profile: 0.25 to 4, with memory at 2 GiB per vCPU).')
param cpu string = '2.0'

@description('Memory of each silo, e.g. 4Gi.')
param memory string = '4Gi'

@description('true: the environment\'s static IP is public, so a laptop connects over the internet (every port still needs the cluster credential). false: the IP is private to the VNet, reached over a VPN or peering.')
param publicEndpoints bool = false

@description('Address space of the VNet this template creates: apps in its first /23, PostgreSQL in the /24 after.')
param vnetAddressPrefix string = '10.42.0.0/16'

@description('Where task records are kept: memory (each silo its own), postgres (a PostgreSQL Flexible Server made here) or none.')
@allowed([
  'memory'
  'postgres'
  'none'
])
param taskStore string = 'memory'

@description('For taskStore postgres: the administrator\'s password.')
@secure()
param postgresPassword string = ''

// Ports of silo 0; silo i adds i to each (at most 50 silos keeps the gateway and bulk ranges apart).
var siloPortBase = 11111
var gatewayPortBase = 30000
var bulkPortBase = 30100

var usePostgres = taskStore == 'postgres'

resource vnet 'Microsoft.Network/virtualNetworks@2025-05-01' = {
  name: '${name}-vnet'
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: [
        vnetAddressPrefix
      ]
    }
    // Subnets inline, so that a second deployment does not try to replace them while in use.
    subnets: concat(
      [
        {
          // A workload-profiles environment needs at least a /27 delegated to it.
          name: 'apps'
          properties: {
            addressPrefix: cidrSubnet(vnetAddressPrefix, 23, 0)
            delegations: [
              {
                name: 'apps'
                properties: {
                  serviceName: 'Microsoft.App/environments'
                }
              }
            ]
          }
        }
      ],
      usePostgres
        ? [
            {
              name: 'postgres'
              properties: {
                addressPrefix: cidrSubnet(vnetAddressPrefix, 24, 2)
                delegations: [
                  {
                    name: 'postgres'
                    properties: {
                      serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers'
                    }
                  }
                ]
              }
            }
          ]
        : []
    )
  }

  resource appsSubnet 'subnets' existing = {
    name: 'apps'
  }

  resource postgresSubnet 'subnets' existing = {
    name: 'postgres'
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    retentionInDays: 30
    sku: {
      name: 'PerGB2018'
    }
  }
}

resource environment 'Microsoft.App/managedEnvironments@2026-01-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    // A custom VNet: external TCP ingress and its additional ports need one.
    vnetConfiguration: {
      infrastructureSubnetId: vnet::appsSubnet.id
      internal: !publicEndpoints
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

// The membership table (OrleansSiloInstances) and grain storage; the silos create their tables.
resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: take('op${uniqueString(resourceGroup().id, name)}', 24)
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
  }
}

module postgres 'modules/postgres.bicep' = if (usePostgres) {
  name: '${name}-postgres'
  params: {
    name: '${name}-pg-${uniqueString(resourceGroup().id, name)}'
    location: location
    subnetId: vnet::postgresSubnet.id
    vnetId: vnet.id
    password: postgresPassword
  }
}

module registry 'modules/registry-identity.bicep' = if (!empty(acrName)) {
  name: '${name}-registry'
  params: {
    name: '${name}-pull'
    location: location
    acrName: acrName
  }
}

module silo 'modules/silo.bicep' = [
  for i in range(0, silos): {
    name: '${name}-silo-${i}'
    params: {
      name: '${name}-silo-${i}'
      location: location
      environmentId: environment.id
      image: image
      registryServer: registry.?outputs.loginServer ?? ''
      registryIdentityId: registry.?outputs.identityId ?? ''
      credentialPem: credentialPem
      clusterId: clusterId
      serviceId: serviceId
      address: environment.properties.staticIp
      siloPort: siloPortBase + i
      gatewayPort: gatewayPortBase + i
      bulkPort: bulkPortBase + i
      engines: engines
      cpu: cpu
      memory: memory
      storageAccountName: storage.name
      taskStore: taskStore
      postgresHost: postgres.?outputs.host ?? ''
      postgresDatabase: postgres.?outputs.database ?? ''
      postgresUser: postgres.?outputs.user ?? ''
      postgresPassword: postgresPassword
    }
  }
]

@description('The address every silo advertises: the environment\'s static IP (public or private, by publicEndpoints).')
output address string = environment.properties.staticIp

@description('The first silo\'s gateway: a client\'s GatewayHost and GatewayPort.')
output gateway string = '${environment.properties.staticIp}:${gatewayPortBase}'

@description('Every silo\'s gateway, host:port: the rest go in a client\'s AdditionalGateways.')
output gateways string[] = [for i in range(0, silos): '${environment.properties.staticIp}:${gatewayPortBase + i}']

@description('Every silo\'s bulk port, host:port: a client must reach these too, as large arrays travel there.')
output bulkEndpoints string[] = [for i in range(0, silos): '${environment.properties.staticIp}:${bulkPortBase + i}']

output clusterId string = clusterId
output serviceId string = serviceId

@description('The storage account of the membership table and grain storage.')
output storageAccountName string = storage.name

@description('The silos\' Container Apps, for az containerapp logs show.')
output siloApps string[] = [for i in range(0, silos): silo[i].outputs.name]

@description('The task store\'s PostgreSQL server (private to the VNet), or empty.')
output postgresHost string = postgres.?outputs.host ?? ''
