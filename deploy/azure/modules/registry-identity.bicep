// Pulls the silo image from an Azure Container Registry without registry passwords: a user-assigned
// identity with AcrPull on it, which the silo apps present. User-assigned, not system-assigned, so the
// role exists before the first app pulls.

param name string
param location string

@description('An Azure Container Registry in this resource group.')
param acrName string

// The built-in AcrPull role.
var acrPullRole = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  '7f951dda-4ed3-4680-a7ca-43fe172d538d'
)

resource acr 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = {
  name: acrName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(acr.id, identity.id, acrPullRole)
  scope: acr
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: acrPullRole
  }
}

output loginServer string = acr.properties.loginServer
// Apps that use this output wait for the whole module, so for the role assignment too.
output identityId string = identity.id
