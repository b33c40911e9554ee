// The parameters for `az deployment group create -g <group> -p deploy/azure/main.bicepparam`.
// The image and the credential come from the environment, so the PEM never appears on a command line:
//   OP_IMAGE=myacr.azurecr.io/orleans-parallel-silo:1 OP_CREDENTIALPEM="$(cat cluster.pem)" az deployment group create ...
using 'main.bicep'

param image = readEnvironmentVariable('OP_IMAGE')
param credentialPem = readEnvironmentVariable('OP_CREDENTIALPEM')

// The registry the image is in, when it is an Azure Container Registry in the same resource group.
param acrName = readEnvironmentVariable('OP_ACRNAME', '')

param clusterId = 'prod'
param serviceId = 'prod'
param silos = 2

// true: a laptop connects over the internet; false: over a VPN or peering into the VNet.
param publicEndpoints = false

// postgres: records of every task survive silos and are shared by them (OP_POSTGRESPASSWORD then sets the password).
param taskStore = 'memory'
param postgresPassword = readEnvironmentVariable('OP_POSTGRESPASSWORD', '')
