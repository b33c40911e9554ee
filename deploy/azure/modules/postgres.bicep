// The task store: PostgreSQL Flexible Server in its own delegated subnet, reachable only from the VNet
// (the silos create their table on first use). Its host name resolves through a private DNS zone.

param name string
param location string

@description('A subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers.')
param subnetId string

@description('The VNet whose DNS resolves the server\'s private name.')
param vnetId string

@description('The administrator\'s password (also in the silos\' connection string, as a secret).')
@secure()
param password string

var user = 'orleansparallel'
var database = 'orleans_parallel'

resource dns 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: '${name}.private.postgres.database.azure.com'
  location: 'global'
}

resource dnsLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: dns
  name: 'vnet'
  location: 'global'
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnetId
    }
  }
}

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: '16'
    administratorLogin: user
    administratorLoginPassword: password
    storage: {
      storageSizeGB: 32
    }
    network: {
      delegatedSubnetResourceId: subnetId
      privateDnsZoneArmResourceId: dns.id
      publicNetworkAccess: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
  }
  // The server's name must resolve in the VNet as soon as it exists.
  dependsOn: [
    dnsLink
  ]
}

resource db 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: database
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

output host string = server.properties.fullyQualifiedDomainName
output database string = db.name
output user string = user
